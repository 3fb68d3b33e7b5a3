import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRemoteCacheServer, type StartedRemoteCache } from './remote-cache-server';
import { RemoteCacheOptionError } from './storage-dir';

const RW = 'rw-token-0123456789abcdef';
const RO = 'ro-token-0123456789abcdef';

describe('remote cache server: the Nx self-hosted cache API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-rc-unit-'));
  let cache: StartedRemoteCache;
  const logged: string[] = [];
  beforeAll(async () => {
    // What a server killed mid-upload leaves behind.
    mkdirSync(join(dir, 'incoming'), { recursive: true });
    writeFileSync(join(dir, 'incoming', '999.abc123'), 'half an upl');
    cache = await startRemoteCacheServer({
      storageDir: dir,
      readWriteTokens: [RW],
      readOnlyTokens: [RO],
      maxEntryBytes: 1000,
      requestTimeoutMs: 2000,
      log: (l) => logged.push(l),
    });
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
    expect(readdirSync(dir).sort()).toEqual(['111', '111.sha256', 'incoming']);
    expect(readdirSync(join(dir, 'incoming'))).toEqual([]);
  });

  it('refuses to start without tokens or with short ones', async () => {
    await expect(startRemoteCacheServer({ storageDir: dir, readWriteTokens: [], readOnlyTokens: [] })).rejects.toThrow(/no tokens/);
    await expect(startRemoteCacheServer({ storageDir: dir, readWriteTokens: ['short'], readOnlyTokens: [] })).rejects.toThrow(/at least 16/);
  });

  it('removes partial uploads a killed server left in incoming/ when it starts, and says so', () => {
    expect(existsSync(join(dir, 'incoming', '999.abc123'))).toBe(false);
    expect(logged.join('\n')).toMatch(/removed 1 partial upload/);
  });

  it('never serves an entry damaged on disk: 404 (a miss, so Nx rebuilds), deleted, logged', async () => {
    expect((await call('PUT', '/v1/cache/555', RW, Buffer.from('good outputs'))).status).toBe(200);
    writeFileSync(join(dir, '555'), 'bad outputs!');
    expect((await call('GET', '/v1/cache/555', RO)).status).toBe(404);
    expect(existsSync(join(dir, '555'))).toBe(false);
    expect(existsSync(join(dir, '555.sha256'))).toBe(false);
    expect(logged.join('\n')).toMatch(/entry 555 does not match its digest .*deleted/);
    // The hash is free again: the next good upload is stored and served.
    expect((await call('PUT', '/v1/cache/555', RW, Buffer.from('good outputs'))).status).toBe(200);
    expect(await call('GET', '/v1/cache/555', RO)).toMatchObject({ status: 200, body: 'good outputs' });
  });

  it('keeps answering while a client stalls mid-upload, then drops that upload at its deadline', async () => {
    const stalled = connect(Number(new URL(cache.url).port), '127.0.0.1');
    stalled.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => stalled.on('close', () => resolve()));
    stalled.write(`PUT /v1/cache/666 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${RW}\r\nContent-Length: 500\r\n\r\nfirst bytes`);
    await new Promise((r) => setTimeout(r, 200));
    expect(readdirSync(join(dir, 'incoming'))).toHaveLength(1);
    const t0 = Date.now();
    expect((await call('GET', '/v1/cache/111', RO)).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    await closed;
    expect(Date.now() - t0).toBeLessThan(15_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(join(dir, 'incoming'))).toEqual([]);
    expect(existsSync(join(dir, '666'))).toBe(false);
  }, 20_000);
});

describe('remote cache server: options it cannot work with', () => {
  const base = mkdtempSync(join(tmpdir(), 'janus-rc-opts-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const tokens = { readWriteTokens: [RW], readOnlyTokens: [] };

  it('names a directory it cannot create, a file in the way, and a taken port, with the value and what works', async () => {
    writeFileSync(join(base, 'a-file'), '');
    const refusal = (storageDir: string, port?: number) =>
      startRemoteCacheServer({ storageDir, port, ...tokens }).then(
        async (c) => (await c.close(), 'started'),
        (e: Error) => e,
      );
    expect(await refusal('/proc/janus-cache/entries')).toMatchObject({
      option: 'storageDir',
      message: expect.stringMatching(/cannot create \/proc\/janus-cache in \/proc/),
    });
    expect(await refusal(join(base, 'a-file'))).toMatchObject({ option: 'storageDir', message: expect.stringMatching(/it is a file, not a directory/) });
    expect(await refusal(join(base, 'a-file', 'sub'))).toMatchObject({ message: expect.stringMatching(/a-file is a file, not a directory/) });
    const first = await startRemoteCacheServer({ storageDir: join(base, 'ok'), ...tokens });
    try {
      const taken = await refusal(join(base, 'ok'), Number(new URL(first.url).port));
      expect(taken).toBeInstanceOf(RemoteCacheOptionError);
      expect(taken).toMatchObject({ option: 'port', message: expect.stringMatching(/is already in use .*choose a free port/) });
    } finally {
      await first.close();
    }
  });

  it('the command line refuses at once, naming the flag (it never sits silent)', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'main.ts'), ...args], {
        env: { ...process.env, JANUS_CACHE_READ_WRITE_TOKENS: RW },
        encoding: 'utf8',
        timeout: 20_000,
      });
    const proc = cli('--dir', '/proc/janus-cache/entries', '--port', '0');
    expect(proc.status).toBe(1);
    expect(proc.stderr).toMatch(/^remote cache: --dir = "\/proc\/janus-cache\/entries": cannot create/m);
    const bad = cli('--port', '99999', '--max-entry-mb', 'x');
    expect(bad.stderr).toMatch(/--port = "99999": a port number 0-65535/);
    expect(bad.stderr).toMatch(/--max-entry-mb = "x": a positive number/);
  }, 45_000);
});
