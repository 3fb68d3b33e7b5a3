import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { logger } from '@nx/devkit';
import { buildImage } from '../../libs/janus-testing/src/build-test-image';
import { executorContext } from '../../libs/janus-testing/src/executor-context';
import { startContainer } from '../../libs/janus/src/engine/container-runner';
import { testContainerFilter } from '../../libs/janus-testing/src/test-labels';
import { assertEngineRunning, containerEngine, dockerClient } from '../../libs/janus/src/engine/docker-client';
import { waitUntilReady } from '../../libs/janus/src/contract/checks/readiness';
import { FakeUpstream, UPSTREAM_REPLY } from '../../libs/janus/src/contract/fake-upstream';
import { requestJson } from '../../libs/janus/src/contract/http-json';
import { postAndReadSse } from '../../libs/janus/src/contract/sse-reader';
import contractTestExecutor from '../../libs/janus/src/executors/contract-test/executor';
import type { ContractReport } from '../../libs/janus/src/contract/report';
import { REPO_ROOT } from '../repo-root';

const APPS = ['baseline-agent-cli', 'baseline-langchain'] as const;
type App = (typeof APPS)[number];
const id = randomBytes(3).toString('hex');
const tag = (name: string) => `janus-test/${name}:${id}`;
// What a client sends; the agents answer the last user message.
const QUESTION = 'hello baseline';

interface Chat {
  status: number;
  content: string;
  error?: { type: string; message: string };
}

// The checked-in baselines as they are, built on the real engine for this machine's platform: each passes the
// contract, and each competitor behaves as its flavor says, offline, against a platform stand-in the test
// controls and which the container reaches through the host gateway.
describe('apps/baseline-agent-cli and apps/baseline-langchain', () => {
  const work = mkdtempSync(join(tmpdir(), 'janus-baselines-'));
  const upstream = new FakeUpstream();
  let platformUrl = '';
  const built: string[] = [];

  beforeAll(async () => {
    await assertEngineRunning();
    platformUrl = `http://${await containerEngine().containers.hostName()}:${await upstream.start()}/v1`;
    for (const app of APPS) {
      await buildImage({ context: join(REPO_ROOT, 'apps', app), tags: [tag(app)] });
      built.push(tag(app));
    }
    // The agent-cli image with stand-ins for two runtime CLIs on PATH, as a runtime base would carry them. Each
    // prints what it was started with and the platform settings it received, so the test sees which one ran.
    const layer = join(work, 'fake-clis');
    rmSync(layer, { recursive: true, force: true });
    mkdirSync(layer);
    for (const bin of ['claude', 'gemini']) {
      writeFileSync(join(layer, bin), `#!/bin/sh\necho "${bin} ran: $*"\necho "platform: \${OPENAI_BASE_URL:-none} key: \${OPENAI_API_KEY:-none}"\n`);
      chmodSync(join(layer, bin), 0o755);
    }
    writeFileSync(join(layer, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nCOPY claude gemini /usr/local/bin/\n');
    await buildImage({ context: layer, tags: [tag('agent-cli-with-clis')], buildArgs: { BASE: tag('baseline-agent-cli') } });
    built.push(tag('agent-cli-with-clis'));
  });

  afterAll(async () => {
    await upstream.stop();
    for (const image of built.reverse())
      await dockerClient()
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => upstream.requests.splice(0));
  afterEach(async () => {
    expect(await dockerClient().listContainers({ all: true, filters: { label: testContainerFilter() } })).toEqual([]);
  });

  /** Starts `image` with `env`, asks once without streaming and once streaming, and removes the container. */
  async function ask(image: string, env: Record<string, string> = {}): Promise<{ plain: Chat; streamed: Chat }> {
    const container = await startContainer(image, { containerPort: 8080, env, reachHost: true });
    try {
      const ready = await waitUntilReady(container, 30);
      if (!ready.ok) throw new Error(ready.detail);
      const url = `${container.url}/v1/chat/completions`;
      const body = (stream: boolean) => ({
        model: 'any',
        stream,
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: QUESTION },
        ],
      });
      const res = await requestJson(url, { body: body(false) }, 20_000);
      const json = res.body as { choices?: Array<{ message: { content: string } }>; error?: Chat['error'] };
      const sse = await postAndReadSse(url, body(true), 20_000);
      const chunks = sse.events.map((e) => JSON.parse(e) as { choices?: Array<{ delta?: { content?: string } }>; error?: Chat['error'] });
      return {
        plain: { status: res.status, content: json.choices?.[0]?.message.content ?? '', error: json.error },
        streamed: {
          status: sse.sawDone ? sse.status : -1,
          content: chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join(''),
          error: chunks.find((c) => c.error)?.error,
        },
      };
    } finally {
      await container.remove();
    }
  }

  it.each(APPS)('%s passes the contract', async (app: App) => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const result = await contractTestExecutor({ image: tag(app), reportDir: `report-${app}`, readyTimeoutS: 30 }, executorContext(work, app, `apps/${app}`));
    jest.restoreAllMocks();
    const report = JSON.parse(readFileSync(join(work, `report-${app}`, 'report.json'), 'utf8')) as ContractReport;
    expect(report.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('baseline-agent-cli carries its agent-pack at /agent-pack', async () => {
    const container = await startContainer(tag('baseline-agent-cli'), { cmd: ['ls', '/agent-pack'] });
    try {
      expect(await container.waitForExit(30_000)).toBe(0);
      expect((await container.logs()).split(/\s+/).filter(Boolean)).toEqual(['README.md', 'environment.md', 'tools.md']);
    } finally {
      await container.remove();
    }
  });

  describe('baseline-agent-cli', () => {
    it('with no JANUS_AGENT_COMMAND and no runtime CLI on PATH, answers with the echo model', async () => {
      const { plain, streamed } = await ask(tag('baseline-agent-cli'));
      expect(plain).toEqual({ status: 200, content: `echo: ${QUESTION}`, error: undefined });
      expect(streamed).toEqual({ status: 200, content: `echo: ${QUESTION}`, error: undefined });
    });

    it('with no JANUS_AGENT_COMMAND, runs the first runtime CLI on PATH unattended, the platform in its environment', async () => {
      const { plain, streamed } = await ask(tag('agent-cli-with-clis'), { JANUS_PLATFORM_URL: platformUrl, JANUS_LLM_API_KEY: 'sk-cli' });
      // codex is absent, so claude (before gemini) runs, in its unattended mode.
      const expected = `claude ran: -p --dangerously-skip-permissions ${QUESTION}\nplatform: ${platformUrl} key: sk-cli\n`;
      expect(plain).toEqual({ status: 200, content: expected, error: undefined });
      expect(streamed).toEqual({ status: 200, content: expected, error: undefined });
    });

    it('runs JANUS_AGENT_COMMAND when set, in preference to a runtime CLI on PATH', async () => {
      const { plain, streamed } = await ask(tag('agent-cli-with-clis'), { JANUS_AGENT_COMMAND: 'gemini --model fast' });
      const expected = `gemini ran: --model fast ${QUESTION}\nplatform: none key: none\n`;
      expect(plain.content).toBe(expected);
      expect(streamed.content).toBe(expected);
    });

    it('answers a JANUS_AGENT_COMMAND the image lacks with an OpenAI-shaped 502 naming it, streaming or not', async () => {
      const { plain, streamed } = await ask(tag('baseline-agent-cli'), { JANUS_AGENT_COMMAND: 'codex exec' });
      expect(plain.status).toBe(502);
      expect(plain.error).toMatchObject({ type: 'upstream_error', message: expect.stringContaining(`the agent CLI 'codex' cannot be started`) });
      expect(streamed.error).toMatchObject({ type: 'upstream_error', message: expect.stringContaining(`'codex' cannot be started`) });
    });
  });

  describe('baseline-langchain', () => {
    it('with no JANUS_PLATFORM_URL, answers with the echo model', async () => {
      const { plain, streamed } = await ask(tag('baseline-langchain'));
      expect(plain).toEqual({ status: 200, content: `echo: ${QUESTION}`, error: undefined });
      expect(streamed).toEqual({ status: 200, content: `echo: ${QUESTION}`, error: undefined });
      expect(upstream.requests).toEqual([]);
    });

    it('runs its chain on the platform: the system prompt ahead of the conversation, the key as bearer, streaming and not', async () => {
      const key = `sk-chain-${id}`;
      const { plain, streamed } = await ask(tag('baseline-langchain'), { JANUS_PLATFORM_URL: platformUrl, JANUS_LLM_API_KEY: key });
      expect(plain).toEqual({ status: 200, content: UPSTREAM_REPLY, error: undefined });
      expect(streamed.content.trim()).toBe(UPSTREAM_REPLY);
      expect(upstream.requests.map((r) => [r.path, r.authorization, (r.body as { stream: boolean }).stream])).toEqual([
        ['/v1/chat/completions', `Bearer ${key}`, false],
        ['/v1/chat/completions', `Bearer ${key}`, true],
      ]);
      for (const { body } of upstream.requests) {
        expect((body as { messages: unknown[] }).messages).toEqual([
          { role: 'system', content: expect.stringMatching(/Janus baseline agent/) },
          { role: 'system', content: 'be brief' },
          { role: 'user', content: QUESTION },
        ]);
      }
    });
  });
});
