import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { loadConfig } from '../config';
import { startGateway, type RunningGateway } from '../gateway';
import { silentLogger } from '../log';

/** An upstream competitor whose streaming behaviour each test picks; it records streams its client cut off. */
class Upstream {
  server?: Server;
  mode: 'ok' | 'truncate' | 'slow' = 'ok';
  cutOff = 0;
  open = new Set<ServerResponse>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      if (req.url === '/health') return res.end('{"status":"ok"}');
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (content: string) =>
          `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'up', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
        res.write(chunk('one '));
        if (this.mode === 'truncate') return res.end(chunk('two '));
        if (this.mode === 'slow') {
          this.open.add(res);
          res.on('close', () => {
            if (!res.writableFinished) this.cutOff++;
          });
          return;
        }
        res.end(chunk('two ') + 'data: [DONE]\n\n');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('gateway front door (fixed runner, in-process upstreams)', () => {
  const upstream = new Upstream();
  let gateway: RunningGateway;
  let base: string;

  beforeAll(async () => {
    const url = await upstream.start();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      JANUS_GATEWAY_ECHO_MODEL: 'gateway-echo',
      JANUS_COMPETITORS: JSON.stringify([
        { model: 'upstream', url },
        { model: 'down', url: 'http://127.0.0.1:9' },
      ]),
    });
    gateway = await startGateway(config, { logger: silentLogger });
    base = `http://127.0.0.1:${gateway.port}`;
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
  });
  beforeEach(() => {
    upstream.mode = 'ok';
  });

  it('lists the configured models and answers /health', async () => {
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id).sort()).toEqual(['down', 'gateway-echo', 'upstream']);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('answers an unknown model with an OpenAI-shaped 404', async () => {
    const res = await post(`${base}/v1/chat/completions`, { model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(404);
    const body = JSON.parse(res.text) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found', param: 'model' });
    expect(body.error.message).toContain("'nope'");
  });

  it('refuses malformed requests with a 400 naming the field', async () => {
    const notArray = await post(`${base}/v1/chat/completions`, { model: 'upstream', messages: 'nope' });
    expect(notArray.status).toBe(400);
    expect(JSON.parse(notArray.text)).toMatchObject({ error: { param: 'messages' } });
    expect((await post(`${base}/v1/chat/completions`, '{"messages": [')).status).toBe(400);
    expect(JSON.parse((await post(`${base}/v1/chat/completions`, { messages: [] })).text)).toMatchObject({ error: { param: 'model' } });
  });

  it('proxies the built-in echo competitor, streaming and not, for the official client', async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused' });
    const done = await client.chat.completions.create({ model: 'gateway-echo', messages: [{ role: 'user', content: 'hello there' }] });
    expect(done.choices[0].message.content).toBe('echo: hello there');
    let text = '';
    for await (const chunk of await client.chat.completions.create({
      model: 'gateway-echo',
      stream: true,
      messages: [{ role: 'user', content: 'hi again' }],
    })) {
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('echo: hi again');
  });

  it('ends a stream the competitor cut short with an error event', async () => {
    upstream.mode = 'truncate';
    const res = await post(`${base}/v1/chat/completions`, { model: 'upstream', stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(200);
    const events = res.text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toContain('"code":"competitor_stream_broken"');
    expect(events).not.toContain('data: [DONE]');
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused' });
    const consume = async () => {
      for await (const _ of await client.chat.completions.create({ model: 'upstream', stream: true, messages: [{ role: 'user', content: 'x' }] })) void _;
    };
    await expect(consume()).rejects.toThrow(/before data: \[DONE\]/);
  });

  it('cancels the upstream request when the client goes away mid-stream', async () => {
    upstream.mode = 'slow';
    const before = upstream.cutOff;
    await new Promise<void>((resolve, reject) => {
      const req = request(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
      req.end(JSON.stringify({ model: 'upstream', stream: true, messages: [{ role: 'user', content: 'x' }] }));
    });
    // Waits for the upstream to notice; the test's own timeout is the deadline.
    while (upstream.cutOff === before) await new Promise((r) => setTimeout(r, 20));
    expect(upstream.cutOff).toBe(before + 1);
  });

  it('answers 502 for an upstream that does not answer, and keeps refusing while it stays down', async () => {
    const body = { model: 'down', messages: [{ role: 'user', content: 'x' }] };
    const first = await post(`${base}/v1/chat/completions`, body);
    expect(first.status).toBe(502);
    expect(JSON.parse(first.text)).toMatchObject({ error: { code: 'competitor_unreachable', type: 'upstream_error' } });
    const second = await post(`${base}/v1/chat/completions`, body);
    expect(JSON.parse(second.text)).toMatchObject({ error: { code: 'competitor_unavailable' } });
  });
});
