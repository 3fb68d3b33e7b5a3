import { request } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRemoteCacheServer, type StartedRemoteCache } from './remote-cache-server';

const RW = 'rw-token-0123456789abcdef';
const RO = 'ro-token-0123456789abcdef';

describe('remote cache server: the Nx self-hosted cache API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-rc-unit-'));
  let cache: StartedRemoteCache;
  beforeAll(async () => {
    cache = await startRemoteCacheServer({ storageDir: dir, readWriteTokens: [RW], readOnlyTokens: [RO], maxEntryBytes: 1000 });
  });
  afterAll(async () => {
    await cache.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Raw HTTP, so a request can leave out Content-Length (chunked) as fetch cannot. */
  function call(method: string, path: string, token?: string, body?: Buffer, chunked = false): Promise<{ status: number; body: string; type?: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body && !chunked) headers['content-length'] = String(body.length);
      const req = request(`${cache.url}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), type: res.headers['content-type'] }));
      });
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }

  it('stores with a read-write token, serves it back, and never replaces it', async () => {
    expect((await call('GET', '/v1/cache/111', RW)).status).toBe(404);
    expect((await call('PUT', '/v1/cache/111', RW, Buffer.from('first'))).status).toBe(200);
    expect(await call('GET', '/v1/cache/111', RO)).toMatchObject({ status: 200, body: 'first' });
    expect((await call('PUT', '/v1/cache/111', RW, Buffer.from('second'))).status).toBe(409);
    expect((await call('GET', '/v1/cache/111', RW)).body).toBe('first');
  });

  it('lets a read-only token read but not write (403, as Nx expects for read-only tokens)', async () => {
    expect((await call('PUT', '/v1/cache/222', RO, Buffer.from('poison'))).status).toBe(403);
    expect((await call('GET', '/v1/cache/222', RO)).status).toBe(404);
  });

  it('answers a missing or wrong token with 401 in text/plain, which Nx shows the user', async () => {
    for (const token of [undefined, 'wrong-token-0123456789']) {
      const res = await call('GET', '/v1/cache/111', token);
      expect(res).toMatchObject({ status: 401, type: 'text/plain' });
      expect(res.body).toMatch(/bearer token/);
    }
  });

  it('refuses a body without Content-Length, one over the size limit, and path-like hashes', async () => {
    expect((await call('PUT', '/v1/cache/333', RW, Buffer.from('x'), true)).status).toBe(400);
    expect((await call('PUT', '/v1/cache/444', RW, Buffer.alloc(1001))).status).toBe(413);
    expect((await call('GET', '/v1/cache/..%2Fetc', RW)).status).toBe(400);
    expect(readdirSync(dir).sort()).toEqual(['111', 'incoming']);
    expect(readdirSync(join(dir, 'incoming'))).toEqual([]);
  });

  it('refuses to start without tokens or with short ones', async () => {
    await expect(startRemoteCacheServer({ storageDir: dir, readWriteTokens: [], readOnlyTokens: [] })).rejects.toThrow(/no tokens/);
    await expect(startRemoteCacheServer({ storageDir: dir, readWriteTokens: ['short'], readOnlyTokens: [] })).rejects.toThrow(/at least 16/);
  });
});
