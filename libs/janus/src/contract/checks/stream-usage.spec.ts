import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkStreamUsage } from './stream-usage';
import type { BaselineTarget } from './target';

const envelope = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1700000000, model: 'm' };
const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
  ...envelope,
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
});
const usage = { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 };
const usageChunk = (u: object = usage) => ({ ...envelope, choices: [], usage: u });
const content = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'echo: usage' }), chunk({ content: ' check' }), chunk({}, 'stop')];
const DONE = '[DONE]';

// What each path streams; `asked` is whether the request carried stream_options.include_usage = true.
const STREAMS: Record<string, (asked: boolean) => Array<object | string>> = {
  '/good': (asked) => [...content, ...(asked ? [usageChunk()] : []), DONE],
  // OpenAI's own shape: every other chunk carries "usage": null.
  '/usage-null-elsewhere': () => [...content.map((c) => ({ ...c, usage: null })), usageChunk(), DONE],
  '/no-usage': () => [...content, DONE],
  '/usage-on-finish-chunk': () => [...content.slice(0, -1), chunk({}, 'stop', { usage }), DONE],
  '/usage-first': () => [usageChunk(), ...content, DONE],
  '/two-usage-chunks': () => [...content, usageChunk(), usageChunk(), DONE],
  '/fractional-tokens': () => [...content, usageChunk({ prompt_tokens: 1.5, completion_tokens: 3, total_tokens: 4.5 }), DONE],
  '/total-not-the-sum': () => [...content, usageChunk({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 6 }), DONE],
  '/usage-after-done': () => [...content, DONE, usageChunk()],
  '/no-done': () => [...content, usageChunk()],
};

describe('checkStreamUsage', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const stream = STREAMS[(req.url ?? '').replace(/\/v1\/chat\/completions$/, '')];
        if (!stream) return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"no","type":"invalid_request_error"}}');
        const asked = JSON.parse(raw)?.stream_options?.include_usage === true;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const e of stream(asked)) res.write(`data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  // The check posts to <url>/v1/chat/completions: a path before that picks the server's behaviour.
  const check = (path: string) =>
    checkStreamUsage({ url: `${base}${path}`, model: async () => 'm', limits: { requestTimeoutMs: 2000 } as BaselineTarget['limits'] });

  it('passes one usage chunk after the finish chunk and before [DONE], sent because the check asked for it', async () => {
    expect(await check('/good')).toEqual({ ok: true, figure: '2 + 3 = 5 tokens before [DONE]' });
  });

  it('passes "usage": null on the other chunks, as OpenAI sends it', async () => {
    expect(await check('/usage-null-elsewhere')).toMatchObject({ ok: true });
  });

  it.each([
    ['/no-usage', 'no usage chunk', /none of 4 events carried usage/],
    ['/usage-on-finish-chunk', 'bad usage chunk', /choices: must be empty in the usage chunk/],
    ['/usage-first', 'usage at 1/5', /came before chunk 5, which has choices/],
    ['/two-usage-chunks', '2 usage chunks', /events 5, 6 carried usage/],
    ['/fractional-tokens', 'bad usage chunk', /usage\.prompt_tokens: .*int/],
    ['/total-not-the-sum', 'bad usage chunk', /usage\.total_tokens: total_tokens must be prompt_tokens \+ completion_tokens/],
    ['/usage-after-done', 'usage after [DONE]', /after data: \[DONE\]/],
    ['/no-done', 'no [DONE]', /without data: \[DONE\]/],
    ['/not-a-stream', 'HTTP 400', /"message":"no"/],
  ])('fails %s: %s', async (path, figure, detail) => {
    const result = await check(path);
    expect(result).toMatchObject({ ok: false, figure });
    expect(result.detail ?? '').toMatch(detail);
  });
});
