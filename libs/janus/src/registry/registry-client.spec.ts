import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient } from './registry-client';

// A real HTTP server on loopback playing a registry that fails in the ways registries do.
describe('RegistryClient retries and deadlines', () => {
  let server: Server;
  let base: string;
  let calls = 0;
  let answer: (n: number) => { status: number; hang?: boolean; reset?: boolean };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const a = answer(++calls);
      if (a.reset) return req.socket.destroy();
      if (a.hang) return;
      res.writeHead(a.status, a.status === 401 ? { 'WWW-Authenticate': 'Basic realm="t"' } : {});
      res.end(a.status === 401 ? 'unauthorized' : '{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => (calls = 0));
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const client = (o: object = {}) => new RegistryClient(base, { backoffMs: 1, timeoutMs: 2000, ...o });

  it('tries again on 5xx answers and dropped connections, and succeeds when the registry recovers', async () => {
    answer = (n) => (n === 1 ? { status: 503 } : n === 2 ? { status: 0, reset: true } : { status: 200 });
    await client().ping();
    expect(calls).toBe(3);
  });

  it('gives up after its retries with the registry answer', async () => {
    answer = () => ({ status: 500 });
    await expect(client({ retries: 2 }).ping()).rejects.toThrow(/GET .*\/v2\/ → 500/);
    expect(calls).toBe(3);
  });

  it('never retries a refusal: one answer to the challenge, then a message naming where the credentials came from', async () => {
    answer = () => ({ status: 401 });
    await expect(client({ credentials: { username: 'u', password: 'bad' }, credentialSource: 'docker-credential-janustest' }).ping()).rejects.toThrow(
      /→ 401: unauthorized \(the registry refused the credentials from docker-credential-janustest; not retried\. Fix: correct or renew them \(docker login 127\.0\.0\.1:\d+/,
    );
    expect(calls).toBe(2);
    calls = 0;
    await expect(client().ping()).rejects.toThrow(/no credentials were found: set JANUS_REGISTRY_USER/);
    expect(calls).toBe(1);
  });

  it('a registry that accepts the connection and never answers fails at the deadline, naming the request', async () => {
    answer = () => ({ status: 0, hang: true });
    await expect(client({ timeoutMs: 300 }).ping()).rejects.toThrow(/no answer within 0.3 s while waiting for GET http:\/\/127.0.0.1:\d+\/v2\//);
    expect(calls).toBe(1);
  });
});
