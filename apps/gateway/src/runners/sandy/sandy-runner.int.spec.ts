import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertEngineRunning } from '../../../../../libs/janus/src/engine/docker-client';
import { pushImage } from '../../../../../libs/janus/src/engine/image-store';
import { runCommand } from '../../../../../libs/janus/src/process/run-command';
import { buildImage } from '../../../../../libs/janus-testing/src/build-test-image';
import { renderBaselineTo } from '../../../../../libs/janus-testing/src/render-baseline';
import { SANDBOX_LABEL, STAND_IN_LABEL, SandyStandIn } from '../../../../../tools/sandy-stand-in/sandy-stand-in';
import OpenAI from 'openai';
import { loadConfig } from '../../config';
import { startGateway } from '../../gateway';
import { createLogger } from '../../log';
import { type Competitor, type Lease, RunnerError } from '../competitor-runner';
import { parseSandyConfig, type SandyConfigInput } from './sandy-config';
import { SandyRunner } from './sandy-runner';
import { testLabels } from '../../../../../libs/janus-testing/src/test-labels';

const FIXTURES = join(__dirname, '../../../../../libs/janus-testing/src/fixtures/contract');
const id = randomBytes(3).toString('hex');
const API_KEY = `sandy-${randomBytes(8).toString('hex')}`;
const competitorImage = `localhost:5000/janus-test/sandy-competitor:${id}`;
const neverReadyImage = `localhost:5000/janus-test/sandy-never-ready:${id}`;

async function docker(...args: string[]): Promise<string[]> {
  return (await runCommand('docker', args)).stdout.split('\n').filter(Boolean);
}

async function sseEvents(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6));
}

// The Sandy runner against the in-repo stand-in of the Sandy API, whose sandboxes run the competitor image on
// the real engine: a competitor pulled from the local registry answers through the sandbox proxy path, and
// every Sandy fault becomes a RunnerError with its sandbox terminated and nothing left in the engine.
describe('SandyRunner on the Sandy stand-in and the real engine', () => {
  const standIn = new SandyStandIn({ apiKey: API_KEY, labels: testLabels() });
  const runners: SandyRunner[] = [];
  const logged: string[] = [];
  const line = (msg: string, fields?: Record<string, unknown>) => logged.push(JSON.stringify({ msg, ...fields }));

  function runner(overrides: Partial<SandyConfigInput> = {}): SandyRunner {
    const r = new SandyRunner(parseSandyConfig({ baseUrl: standIn.url, apiKey: API_KEY, healthIntervalMs: 200, ...overrides }), {
      logger: { info: line, warn: line },
    });
    runners.push(r);
    return r;
  }
  const marker = `marker-${randomBytes(6).toString('hex')}`;
  const agent = (model = 'sandy-agent'): Competitor => ({ model, image: competitorImage, env: { JANUS_SANDY_MARKER: marker } });

  beforeAll(async () => {
    await assertEngineRunning();
    const ws = mkdtempSync(join(tmpdir(), 'janus-sandy-'));
    try {
      renderBaselineTo(join(ws, 'competitor'), 'plain');
      await buildImage({ context: join(ws, 'competitor'), tags: [competitorImage] });
      await buildImage({ context: join(FIXTURES, 'never-ready'), tags: [neverReadyImage], buildArgs: { BASE: competitorImage } });
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
    // The sandbox pulls from the registry, as it would in production.
    await pushImage(competitorImage);
    await pushImage(neverReadyImage);
    await standIn.start();
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.shutdown()));
    standIn.faults = {};
    // Every fault leaves nothing behind: no sandbox in the stand-in, no container or network in the engine.
    // Leftovers are cleared before the verdict, so one leak fails its own test and not the ones after it.
    const containers = await docker('ps', '-aq', '--filter', `label=${STAND_IN_LABEL}=${standIn.id}`);
    const networks = await docker('network', 'ls', '-q', '--filter', `label=${STAND_IN_LABEL}=${standIn.id}`);
    const sandboxes = await standIn.terminateAll();
    expect({ sandboxes, containers, networks }).toEqual({ sandboxes: [], containers: [], networks: [] });
    // Nothing a runner logs may carry the key.
    for (const line of logged) expect(line).not.toContain(API_KEY);
  });

  afterAll(async () => {
    await standIn.close();
    // Untagged, not force-removed: the baseline build is byte-identical to ones other specs tag and use.
    await docker('rmi', neverReadyImage, competitorImage);
  });

  it('runs two competitors in two sandboxes, both on port 8080, and proxies chat to each, streaming included', async () => {
    const r = runner();
    const never = new AbortController().signal;
    const [a, b] = await Promise.all([r.acquire(agent('sandy-a'), never), r.acquire(agent('sandy-b'), never)]);
    expect(a.baseUrl).toMatch(new RegExp(`^${standIn.url}/api/sandboxes/sb-[0-9a-f]+/proxy/8080$`));
    expect(a.baseUrl).not.toBe(b.baseUrl);

    for (const [lease, model] of [
      [a, 'sandy-a'],
      [b, 'sandy-b'],
    ] as [Lease, string][]) {
      const chat = (stream: boolean) =>
        fetch(`${lease.baseUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { ...lease.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hello sandbox' }] }),
        });
      const plain = await chat(false);
      expect(plain.status).toBe(200);
      const body = (await plain.json()) as { choices: { message: { content: string } }[] };
      expect(body.choices[0].message.content).toContain('hello sandbox');

      const streamed = await chat(true);
      expect(streamed.headers.get('content-type')).toMatch(/text\/event-stream/);
      const events = await sseEvents(streamed);
      expect(events.length).toBeGreaterThan(2);
      expect(events.at(-1)).toBe('[DONE]');
    }

    // Without the key the proxy path is closed too.
    const anonymous = await fetch(`${a.baseUrl}/health`);
    expect(anonymous.status).toBe(401);

    const sandboxes = standIn.liveSandboxes();
    expect(sandboxes).toHaveLength(2);
    for (const sandbox of sandboxes) {
      // Each sandbox: the container holding its network namespace, and the competitor, which got its env
      // through the sandbox's environment.
      const names = await docker('ps', '--format', '{{.Names}}', '--filter', `label=${SANDBOX_LABEL}=${sandbox}`);
      expect(names.sort()).toEqual([expect.stringMatching(/-competitor$/), expect.stringMatching(/-sandbox$/)]);
      const env = await docker(
        'inspect',
        '--format',
        '{{range .Config.Env}}{{println .}}{{end}}',
        names.find((n) => n.endsWith('-competitor'))!,
      );
      expect(env).toContain(`JANUS_SANDY_MARKER=${marker}`);
    }
    await a.release('ok');
    // shutdown() terminates every sandbox it created, the one still leased included.
    await r.shutdown();
    expect(standIn.liveSandboxes()).toEqual([]);
    expect(standIn.calls.filter((c) => /terminate$/.test(c))).toHaveLength(2);
  });

  it('serves chat through the gateway: client -> gateway -> Sandy proxy path -> competitor, and close() terminates the sandbox', async () => {
    // The route a production gateway takes: a competitor configured with runner "sandy", the lease's base URL
    // being the sandbox proxy path (the gateway must keep that path when it appends /v1/chat/completions).
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      JANUS_COMPETITORS: JSON.stringify([{ model: 'via-sandy', runner: 'sandy', image: competitorImage }]),
    });
    const gateway = await startGateway(config, { logger: createLogger('error', () => undefined), runners: { sandy: runner() } });
    try {
      const client = new OpenAI({ baseURL: `http://127.0.0.1:${gateway.port}/v1`, apiKey: 'unused', maxRetries: 0 });
      const plain = await client.chat.completions.create({ model: 'via-sandy', messages: [{ role: 'user', content: 'through the gateway' }] });
      expect(plain.choices[0].message.content).toContain('through the gateway');
      let streamed = '';
      const stream = await client.chat.completions.create({ model: 'via-sandy', stream: true, messages: [{ role: 'user', content: 'through the gateway' }] });
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
      expect(streamed).toBe(plain.choices[0].message.content);
      expect(standIn.liveSandboxes()).toHaveLength(1);
    } finally {
      await gateway.close();
    }
    expect(standIn.liveSandboxes()).toEqual([]);
  });

  it('a bad key is a 502 that names SANDY_API_KEY and not the key', async () => {
    const wrongKey = `wrong-${randomBytes(6).toString('hex')}`;
    const error = await runner({ apiKey: wrongKey })
      .acquire(agent(), new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunnerError);
    expect(error).toMatchObject({ status: 502, code: 'sandy_unauthorized' });
    expect((error as Error).message).toMatch(/HTTP 401.*SANDY_API_KEY/);
    expect((error as Error).message).not.toContain(wrongKey);
  });

  it('a 5xx on create is a 502 and nothing is created', async () => {
    standIn.faults = { createStatus: 503 };
    await expect(runner().acquire(agent(), new AbortController().signal)).rejects.toMatchObject({
      status: 502,
      code: 'sandy_error',
      message: expect.stringMatching(/HTTP 503 while creating a sandbox/),
    });
  });

  it('a 5xx on exec is a 502 and the sandbox it created is terminated', async () => {
    standIn.faults = { execStatus: 500 };
    const before = standIn.calls.length;
    await expect(runner().acquire(agent(), new AbortController().signal)).rejects.toMatchObject({ status: 502, code: 'sandy_error' });
    const calls = standIn.calls.slice(before);
    expect(calls[0]).toBe('POST /api/sandboxes');
    expect(calls.at(-1)).toMatch(/^POST \/api\/sandboxes\/sb-[0-9a-f]+\/terminate$/);
  });

  it('a Sandy API that stops answering is a 504, and the sandbox it created is terminated', async () => {
    // Generous enough for a real create on a loaded machine; only the hung call may run into it.
    standIn.faults = { hang: ['exec'] };
    await expect(runner({ requestTimeoutMs: 10_000 }).acquire(agent(), new AbortController().signal)).rejects.toMatchObject({
      status: 504,
      code: 'sandy_timeout',
      message: expect.stringMatching(/did not answer within 10000 ms while running a command in sandbox sb-/),
    });
    expect(standIn.calls.at(-1)).toMatch(/terminate$/);

    standIn.faults = { hang: ['create'] };
    await expect(runner({ requestTimeoutMs: 1500 }).acquire(agent(), new AbortController().signal)).rejects.toMatchObject({
      status: 504,
      code: 'sandy_timeout',
    });
  });

  it('a competitor that never answers /health is a 504 within the ready timeout, and its sandbox is terminated', async () => {
    const error = await runner({ readyTimeoutMs: 4000 })
      .acquire({ model: 'never-ready', image: neverReadyImage }, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 504, code: 'competitor_not_ready' });
    expect((error as Error).message).toMatch(/did not answer \/health within 4000 ms in sandbox sb-/);
    expect(standIn.calls.at(-1)).toMatch(/terminate$/);
  });
});
