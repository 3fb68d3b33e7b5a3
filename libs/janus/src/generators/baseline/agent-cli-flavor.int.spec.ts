import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildImage } from '../../../../janus-testing/src/build-test-image';
import { startContainer } from '../../engine/container-runner';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { waitUntilReady } from '../../contract/checks/readiness';
import { renderBaselineTo } from '../../../../janus-testing/src/render-baseline';

// The agent-cli flavor's own wiring, on the real engine: a CLI named by JANUS_AGENT_COMMAND answers each
// request with its stdout, and a CLI that fails becomes an OpenAI-shaped upstream error.
describe('agent-cli flavor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-agent-cli-'));
  const image = `janus-test/agent-cli:${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    await assertEngineRunning();
    renderBaselineTo(dir, 'agent-cli', 'cli');
    await buildImage({ context: dir, tags: [image] });
  });
  afterAll(async () => {
    await dockerClient()
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  async function post(command: string, fields: object = {}, env: Record<string, string> = {}) {
    const container = await startContainer(image, { containerPort: 8080, env: { JANUS_AGENT_COMMAND: command, ...env } });
    try {
      const ready = await waitUntilReady(container, 30);
      if (!ready.ok) throw new Error(ready.detail);
      const res = await fetch(`${container.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hello cli' }], ...fields }),
        // A server stuck on its CLI fails the test here instead of hanging it (not a speed check: every case ends in seconds).
        signal: AbortSignal.timeout(60_000),
      });
      return { status: res.status, text: await res.text() };
    } finally {
      await container.remove();
    }
  }

  async function ask(command: string, env: Record<string, string> = {}) {
    const { status, text } = await post(command, {}, env);
    return { status, body: JSON.parse(text) as { choices: Array<{ message: { content: string } }>; error?: { type: string; message: string } } };
  }

  it('answers with the CLI output for the last user message', async () => {
    const { status, body } = await ask('echo agent says:');
    expect(status).toBe(200);
    expect(body.choices[0].message.content.trim()).toBe('agent says: hello cli');
  });

  it('streams the CLI output and, asked for it, one usage chunk before [DONE]', async () => {
    const { status, text } = await post('echo agent says:', { stream: true, stream_options: { include_usage: true } });
    expect(status).toBe(200);
    const events = text
      .split('\n\n')
      .map((e) => e.trim())
      .filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('agent says: hello cli\n');
    expect(chunks.filter((c) => c.usage)).toEqual([chunks.at(-1)]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 } });
  });

  it('answers from a CLI that writes more to stderr than a pipe holds (real CLIs log their progress there)', async () => {
    // 256 kB of stderr before the answer: unread, the pipe fills at 64 kB and the CLI blocks until the timeout.
    const { status, body } = await ask(`sh -c 'head -c 262144 /dev/zero | tr "\\0" x >&2; echo done: "$0"'`, { JANUS_TIMEOUT: '10' });
    expect(status).toBe(200);
    expect(body.choices[0].message.content).toBe('done: hello cli\n');
  });

  it('stops a CLI that goes quiet past JANUS_TIMEOUT, and what it started, with a 504', async () => {
    // The pipeline's processes hold stdout and stderr open: killing only the shell would leave the request hanging.
    const { status, body } = await ask(`sh -c 'sleep 600 | cat'`, { JANUS_TIMEOUT: '2' });
    expect(status).toBe(504);
    expect(body.error).toMatchObject({ type: 'upstream_timeout', message: expect.stringMatching(/did not finish in time/) });
  });

  it('turns a failing CLI into a 502 with an OpenAI error object', async () => {
    const { status, body } = await ask('false');
    expect(status).toBe(502);
    expect(body.error).toMatchObject({ type: 'upstream_error', message: expect.stringMatching(/the agent CLI exited with 1/) });
  });
});
