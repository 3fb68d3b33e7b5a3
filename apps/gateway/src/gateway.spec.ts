import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config';
import { startGateway } from './gateway';
import { createLogger } from './log';

describe('startGateway', () => {
  it('refuses to start with a competitor whose runner it does not have', async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JANUS_COMPETITORS: JSON.stringify([{ model: 's', runner: 'sandy', image: 'x:1' }]) });
    await expect(startGateway(config, { logger: createLogger('error', () => undefined) })).rejects.toThrow(
      'competitor s: runner "sandy" is not available in this gateway (available: docker, fixed)',
    );
  });

  it('never writes a secret passed to a competitor into its log', async () => {
    const lines: string[] = [];
    const secret = 'sk-chutes-do-not-log-0123456789';
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      CHUTES_API_KEY: secret,
      JANUS_GATEWAY_ECHO_MODEL: 'echo',
      JANUS_COMPETITORS: JSON.stringify([{ model: 'up', url: 'http://127.0.0.1:9', envFrom: ['CHUTES_API_KEY'] }]),
    });
    expect(config.competitors[0].env).toEqual({ CHUTES_API_KEY: secret });
    const gateway = await startGateway(config, { logger: createLogger('debug', (l) => lines.push(l)) });
    try {
      const body = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });
      for (const model of ['echo', 'up', 'missing']) {
        await (
          await fetch(`http://127.0.0.1:${gateway.port}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: body(model),
          })
        ).text();
      }
    } finally {
      await gateway.close();
    }
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('serves the models a COMPETITOR_URL upstream lists when no COMPETITOR_MODEL is given', async () => {
    const echoSide = await startGateway(loadConfig({ PORT: '0', HOST: '127.0.0.1', JANUS_GATEWAY_ECHO_MODEL: 'listed' }), {
      logger: createLogger('error', () => undefined),
    });
    const front = await startGateway(loadConfig({ PORT: '0', HOST: '127.0.0.1', COMPETITOR_URL: `http://127.0.0.1:${echoSide.port}` }), {
      logger: createLogger('error', () => undefined),
    });
    const ask = (model: string) =>
      fetch(`http://127.0.0.1:${front.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });
    try {
      expect(((await (await fetch(`http://127.0.0.1:${front.port}/v1/models`)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual([
        'listed',
      ]);
      expect(await (await ask('listed')).json()).toMatchObject({ choices: [{ message: { content: 'echo: hi' } }] });
      expect((await ask('other')).status).toBe(404);
    } finally {
      await front.close();
      await echoSide.close();
    }
    const orphan = await startGateway(loadConfig({ PORT: '0', HOST: '127.0.0.1', COMPETITOR_URL: 'http://127.0.0.1:9' }), {
      logger: createLogger('error', () => undefined),
    });
    try {
      const res = await fetch(`http://127.0.0.1:${orphan.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'any', messages: [] }),
      });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ error: { code: 'competitor_unavailable' } });
    } finally {
      await orphan.close();
    }
  });

  it('ends a stream with an error event when the competitor goes silent mid-answer (JANUS_UPSTREAM_IDLE_TIMEOUT_S)', async () => {
    const silent = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"choices":[{"index":0,"delta":{"content":"one "}}]}\n\n');
        // ... and nothing more, without closing: a frozen competitor.
      });
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const gateway = await startGateway(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', JANUS_UPSTREAM_IDLE_TIMEOUT_S: '0.5', JANUS_COMPETITORS: JSON.stringify([{ model: 'frozen', url }]) }),
      { logger: createLogger('error', () => undefined) },
    );
    try {
      const res = await fetch(`http://127.0.0.1:${gateway.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'frozen', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const events = (await res.text()).split('\n\n').filter(Boolean);
      expect(events[0]).toContain('one ');
      expect(JSON.parse(events.at(-1)!.replace(/^data: /, ''))).toMatchObject({ error: { code: 'competitor_stalled', type: 'timeout_error' } });
    } finally {
      await gateway.close();
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});
