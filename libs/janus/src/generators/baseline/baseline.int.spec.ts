import { removeImages, startBuiltServer } from '../../../../janus-testing/src/test-images';
import { randomBytes } from 'node:crypto';
import { startContainer, type StartedContainer } from '../../engine/container-runner';
import { assertEngineRunning, containerEngine } from '../../engine/docker-client';
import { TempWorkspace } from '../../../../janus-testing/src/temp-workspace';
import { waitUntilReady } from '../../contract/checks/readiness';
import { FakeUpstream, UPSTREAM_REPLY, UPSTREAM_USAGE } from '../../contract/fake-upstream';
import { chatCompletion } from '../../contract/wire/chat-completion';

type Chunk = { id: string; choices: Array<{ delta: { content?: string }; finish_reason: string | null }>; usage?: unknown };

const JSON_HEADERS = { 'content-type': 'application/json' };
const chat = (url: string, body: object, headers: Record<string, string> = JSON_HEADERS) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });

/** The SSE events of a finished stream: the chunks, and whether `data: [DONE]` came last. */
async function readStream(res: Response): Promise<{ chunks: Chunk[]; doneLast: boolean }> {
  const events = (await res.text())
    .split('\n\n')
    .map((e) => e.trim())
    .filter(Boolean);
  const doneLast = events.at(-1) === 'data: [DONE]';
  return { chunks: events.filter((e) => e !== 'data: [DONE]').map((e) => JSON.parse(e.replace(/^data: /, ''))), doneLast };
}

/** Asserts OpenAI's include_usage shape (one usage chunk, no choices, right after the finish chunk, then [DONE]) and returns its usage. */
function usageOf({ chunks, doneLast }: { chunks: Chunk[]; doneLast: boolean }): unknown {
  expect(doneLast).toBe(true);
  expect(chunks.filter((c) => c.usage != null)).toHaveLength(1);
  expect(chunks.at(-1)!.choices).toEqual([]);
  expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
  return chunks.at(-1)!.usage;
}

// The first vertical slice on the real engine: `nx g janus:baseline probe` in a workspace, a BuildKit build of
// the unmodified output (its `FROM python:3.11-slim` served by whatever the engine resolves Docker Hub to),
// then the running container answers the contract's endpoints as uid 1000.
describe('janus:baseline on the real engine', () => {
  const ws = new TempWorkspace();
  const image = `janus-test/probe:${randomBytes(4).toString('hex')}`;
  let container: StartedContainer | undefined;

  beforeAll(async () => {
    await assertEngineRunning();
    await ws.nx(['g', 'janus:baseline', 'probe', '--no-interactive']);
    container = await startBuiltServer(ws.path('apps/probe'), image);
  });

  afterAll(async () => {
    await container?.remove();
    await removeImages(image);
    ws.dispose();
  });

  it('runs as uid 1000, not root', async () => {
    const info = await container!.inspect();
    expect(info.Config.User).toBe('1000:1000');
    const id = await container!.exec(['id', '-u']);
    expect(id.output.trim()).toBe('1000');
  });

  it('answers /health', async () => {
    const res = await fetch(`${container!.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('lists its model on /v1/models', async () => {
    const body = (await (await fetch(`${container!.url}/v1/models`)).json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(body.object).toBe('list');
    expect(body.data[0]).toMatchObject({ id: 'janus-probe', object: 'model' });
  });

  it('answers a non-streaming chat completion', async () => {
    const res = await fetch(`${container!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'janus-probe', messages: [{ role: 'user', content: 'hello there' }] }),
    });
    expect(res.status).toBe(200);
    const body = chatCompletion.parse(await res.json());
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.role).toBe('assistant');
    expect(body.choices[0].message.content).toContain('hello there');
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage.total_tokens).toBeGreaterThan(0);
  });

  it('streams a chat completion as SSE ending with data: [DONE]', async () => {
    const res = await fetch(`${container!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'janus-probe', stream: true, messages: [{ role: 'user', content: 'stream me' }] }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text())
      .split('\n\n')
      .map((e) => e.trim())
      .filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toContain('stream me');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  it('ends a stream with one usage chunk when stream_options.include_usage is true', async () => {
    const res = await chat(container!.url, {
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count these tokens' }],
    });
    expect(res.status).toBe(200);
    // The echo model answers "echo: count these tokens": 3 prompt and 4 completion words.
    expect(usageOf(await readStream(res))).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  it.each([
    ['stream_options not an object', { stream: true, stream_options: true }, 'stream_options'],
    ['include_usage not a boolean', { stream: true, stream_options: { include_usage: 'yes' } }, 'stream_options.include_usage'],
    ['stream_options without stream', { stream_options: { include_usage: true } }, 'stream_options'],
  ])('refuses %s with a 400 naming the param', async (_label, fields, param) => {
    const res = await chat(container!.url, { ...fields, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: expect.stringContaining('stream_options'), type: 'invalid_request_error', param, code: null } });
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['no Content-Type', undefined],
  ])('refuses a JSON body sent as %s with a 415 saying what is allowed', async (_label, type) => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'x' }] });
    // A Blob without a type makes fetch send no Content-Type at all.
    const res = await fetch(`${container!.url}/v1/chat/completions`, {
      method: 'POST',
      body: type ? body : new Blob([body]),
      headers: type ? { 'content-type': type } : {},
    });
    expect(res.status).toBe(415);
    const { error } = (await res.json()) as { error: { message: string; type: string; param: unknown; code: unknown } };
    expect(error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'unsupported_media_type' });
    expect(error.message).toContain(type ?? 'without Content-Type');
    expect(error.message).toContain('application/json');
  });

  it('accepts application/json with parameters', async () => {
    const res = await chat(container!.url, { messages: [{ role: 'user', content: 'x' }] }, { 'content-type': 'Application/JSON; charset=utf-8' });
    expect(res.status).toBe(200);
  });

  describe('proxying to JANUS_PLATFORM_URL', () => {
    const upstream = new FakeUpstream();
    let proxy: StartedContainer | undefined;
    const ask = async (content: string) =>
      readStream(await chat(proxy!.url, { stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content }] }));

    beforeAll(async () => {
      const port = await upstream.start();
      proxy = await startContainer(image, {
        containerPort: 8080,
        env: { JANUS_PLATFORM_URL: `http://${await containerEngine().containers.hostName()}:${port}/v1` },
        reachHost: true,
      });
      const ready = await waitUntilReady(proxy, 30);
      if (!ready.ok) throw new Error(ready.detail);
    });
    afterAll(async () => {
      await proxy?.remove();
      await upstream.stop();
    });

    it("forwards stream_options and passes the platform's own usage chunk through", async () => {
      upstream.honoursStreamOptions = true;
      const stream = await ask('via the platform');
      expect(upstream.requests.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
      expect(usageOf(stream)).toEqual(UPSTREAM_USAGE);
    });

    it('counts the usage itself when the platform ignores stream_options', async () => {
      upstream.honoursStreamOptions = false;
      const stream = await ask('count me please');
      const completionWords = UPSTREAM_REPLY.split(' ').length;
      expect(usageOf(stream)).toEqual({ prompt_tokens: 3, completion_tokens: completionWords, total_tokens: 3 + completionWords });
      // One completion: the usage chunk carries the platform's id like every other chunk.
      expect(new Set(stream.chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-upstream']));
    });
  });
});
