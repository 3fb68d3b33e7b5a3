import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSandyClient } from './sandy-client';

const API_KEY = 'key-that-must-not-leak';
const spec = { image: 'sandy-docker', resources: { cpu: 1, memory_mb: 512, disk_gb: 1 }, env: {} };
const never = new AbortController().signal;

/** A local HTTP server answering each request with whatever the test scripted. */
async function server(
  answer: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ url: string; server: Server; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const s = createServer((req, res) => {
    seen.push(req);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => answer(req, res, body));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, server: s, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function clientFor(answer: Parameters<typeof server>[0], requestTimeoutMs = 5000) {
  const s = await server(answer);
  servers.push(s.server);
  return { client: new HttpSandyClient({ baseUrl: s.url, apiKey: API_KEY, requestTimeoutMs }), ...s };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('HttpSandyClient', () => {
  it('sends the bearer token and the JSON body, and reads sandbox_id and exec results', async () => {
    const { client, seen } = await clientFor((req, res, body) => {
      if (req.url === '/api/sandboxes') return json(res, 200, { sandbox_id: 'sb-1', echo: JSON.parse(body) as unknown });
      json(res, 200, { exit_code: 3, stdout: 'out', stderr: 'err' });
    });
    expect(await client.createSandbox(spec, never)).toBe('sb-1');
    expect(await client.exec('sb-1', 'true', never)).toEqual({ exitCode: 3, stdout: 'out', stderr: 'err' });
    expect(seen.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['POST', '/api/sandboxes', `Bearer ${API_KEY}`],
      ['POST', '/api/sandboxes/sb-1/exec', `Bearer ${API_KEY}`],
    ]);
  });

  it('a 5xx is a 502 carrying the body, with the key blanked out should Sandy echo it', async () => {
    const { client } = await clientFor((_req, res) => json(res, 500, { detail: `boom for ${API_KEY}` }));
    const error = (await client.createSandbox(spec, never).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ status: 502, code: 'sandy_error' });
    expect(error.message).toContain('HTTP 500 while creating a sandbox: {"detail":"boom for ***"}');
    expect(error.message).not.toContain(API_KEY);
  });

  it('401 and 403 are a 502 naming SANDY_API_KEY', async () => {
    for (const status of [401, 403]) {
      const { client } = await clientFor((_req, res) => json(res, status, { detail: 'no' }));
      await expect(client.exec('sb-1', 'true', never)).rejects.toMatchObject({
        status: 502,
        code: 'sandy_unauthorized',
        message: expect.stringContaining('SANDY_API_KEY'),
      });
    }
  });

  it('answers without the expected fields, or not in JSON, are a 502 bad response', async () => {
    const { client } = await clientFor((req, res) => {
      if (req.url === '/api/sandboxes') return json(res, 200, { id: 'wrong-field' });
      res.end('<html>proxy error</html>');
    });
    await expect(client.createSandbox(spec, never)).rejects.toMatchObject({ status: 502, code: 'sandy_bad_response' });
    await expect(client.exec('sb-1', 'true', never)).rejects.toMatchObject({ status: 502, code: 'sandy_bad_response' });
  });

  it('terminating a sandbox Sandy no longer knows succeeds; other failures do not', async () => {
    let status = 404;
    const { client } = await clientFor((_req, res) => json(res, status, { detail: 'x' }));
    await expect(client.terminate('sb-gone')).resolves.toBeUndefined();
    status = 500;
    await expect(client.terminate('sb-1')).rejects.toMatchObject({ status: 502 });
  });

  it('no answer within requestTimeoutMs is a 504; a caller that goes away is a 499', async () => {
    const { client } = await clientFor(() => undefined, 200);
    await expect(client.exec('sb-1', 'true', never)).rejects.toMatchObject({ status: 504, code: 'sandy_timeout' });
    const caller = new AbortController();
    const call = client.exec('sb-1', 'true', caller.signal);
    caller.abort();
    await expect(call).rejects.toMatchObject({ status: 499, code: 'request_cancelled' });
  });

  it('an API nobody listens on is a 502 unreachable', async () => {
    const { url, server: s } = await server(() => undefined);
    await new Promise((resolve) => s.close(resolve));
    const client = new HttpSandyClient({ baseUrl: url, apiKey: API_KEY, requestTimeoutMs: 5000 });
    await expect(client.createSandbox(spec, never)).rejects.toMatchObject({ status: 502, code: 'sandy_unreachable' });
  });

  it('leases the sandbox proxy path with the bearer header', () => {
    const client = new HttpSandyClient({ baseUrl: 'https://sandy.example.com', apiKey: API_KEY, requestTimeoutMs: 1000 });
    expect(client.proxy('sb/1', 8080)).toEqual({
      baseUrl: 'https://sandy.example.com/api/sandboxes/sb%2F1/proxy/8080',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
  });
});
