import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, linkSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { prepareStorageDir, RemoteCacheOptionError } from './storage-dir';

/**
 * Nx's self-hosted remote cache API (Nx 20.8+, `NX_SELF_HOSTED_REMOTE_CACHE_SERVER`), with entries as files:
 *   GET /v1/cache/{hash}  200 tar body | 404 | 401 | 403
 *   PUT /v1/cache/{hash}  200 | 400 no Content-Length | 401 | 403 read-only token | 409 entry exists | 413
 * Entries are immutable: a hash once written is never replaced (409), so a later writer cannot swap the
 * outputs others restore. Read-only tokens are for untrusted builds (pull requests): they restore but never
 * write, which is what the 2025 cache-poisoning attacks on writable bucket caches ("CREEP") abused.
 * Each entry's sha256 is stored beside it (`{hash}.sha256`) at upload and checked before it is served: an
 * entry damaged on disk is deleted and answered 404 (a miss, so Nx rebuilds), never handed to a restore.
 */
export interface RemoteCacheOptions {
  /** Where entries are kept (created if missing). */
  storageDir: string;
  readWriteTokens: string[];
  readOnlyTokens: string[];
  port?: number;
  /** Default loopback; put a TLS proxy in front for anything else. */
  host?: string;
  /** Largest entry accepted, in bytes (default 2 GiB). */
  maxEntryBytes?: number;
  /**
   * Deadline for a whole request, upload included (default 300 s), and for a connection that sends or reads
   * nothing (a tenth of it, at least 10 s): a client that stalls mid-upload is dropped, never waited on.
   */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface StartedRemoteCache {
  url: string;
  server: Server;
  /** Entries written by this process, for tests and the log. */
  stats: { reads: number; hits: number; writes: number; refusedWrites: number; corrupt: number };
  close(): Promise<void>;
}

// Nx's task hashes are decimal digits; anything path-like is refused before it reaches the file system.
const HASH = /^[A-Za-z0-9_-]{1,128}$/;

type Access = 'read-write' | 'read-only';

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function validateOptions(o: RemoteCacheOptions): string[] {
  const problems: string[] = [];
  if (!o.storageDir) problems.push("'storageDir' is empty: give the directory entries are kept in");
  if (o.readWriteTokens.length + o.readOnlyTokens.length === 0) {
    problems.push('no tokens: set JANUS_CACHE_READ_WRITE_TOKENS and/or JANUS_CACHE_READ_ONLY_TOKENS (comma-separated); the server never runs open');
  }
  for (const t of [...o.readWriteTokens, ...o.readOnlyTokens]) {
    if (t.length < 16) problems.push(`a token of ${t.length} characters: tokens must be at least 16 characters`);
  }
  if (o.readWriteTokens.some((t) => o.readOnlyTokens.includes(t))) problems.push('a token is listed as both read-write and read-only');
  return problems;
}

export async function startRemoteCacheServer(o: RemoteCacheOptions): Promise<StartedRemoteCache> {
  const problems = validateOptions(o);
  if (problems.length) throw new Error(`remote cache: ${problems.join('; ')}`);
  const log = o.log ?? (() => undefined);
  const requestTimeoutMs = o.requestTimeoutMs ?? 300_000;
  const maxBytes = o.maxEntryBytes ?? 2 * 1024 ** 3;
  const tokens = [
    ...o.readWriteTokens.map((t) => ({ digest: digestOf(t), access: 'read-write' as Access })),
    ...o.readOnlyTokens.map((t) => ({ digest: digestOf(t), access: 'read-only' as Access })),
  ];
  prepareStorageDir(o.storageDir);
  prepareStorageDir(join(o.storageDir, 'incoming'));
  // What is in incoming/ at start is an upload a killed server never finished: no request owns it any more.
  const partial = readdirSync(join(o.storageDir, 'incoming'));
  for (const f of partial) rmSync(join(o.storageDir, 'incoming', f), { recursive: true, force: true });
  if (partial.length) log(`removed ${partial.length} partial upload(s) left in ${join(o.storageDir, 'incoming')}`);
  const stats = { reads: 0, hits: 0, writes: 0, refusedWrites: 0, corrupt: 0 };

  const accessOf = (req: IncomingMessage): Access | undefined => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    // Compared as digests, in constant time, against every token: the answer's timing says nothing.
    const given = digestOf(m[1]);
    let found: Access | undefined;
    for (const t of tokens) if (timingSafeEqual(t.digest, given)) found ??= t.access;
    return found;
  };

  const text = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(message);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/v1\/cache\/([^/?]+)$/.exec((req.url ?? '').split('?')[0]);
    if (!m) return text(res, 404, 'not found: the API is GET/PUT /v1/cache/{hash}');
    const hash = decodeURIComponent(m[1]);
    if (!HASH.test(hash)) return text(res, 400, `invalid hash ${JSON.stringify(hash)}: letters, digits, - and _ only`);
    const access = accessOf(req);
    if (!access) return text(res, 401, 'missing or invalid bearer token (NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN)');
    const file = join(o.storageDir, hash);
    const digestFile = `${file}.sha256`;

    if (req.method === 'GET' || req.method === 'HEAD') {
      stats.reads++;
      if (!existsSync(file)) return text(res, 404, 'no such entry');
      const problem = await integrityProblem(file, digestFile);
      if (problem) {
        stats.corrupt++;
        rmSync(file, { force: true });
        rmSync(digestFile, { force: true });
        log(`entry ${hash} ${problem}: deleted, answered as a miss`);
        return text(res, 404, 'no such entry (the stored one failed its integrity check and was deleted)');
      }
      stats.hits++;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(file).size });
      if (req.method === 'HEAD') return res.end();
      await pipeline(createReadStream(file), res);
      return;
    }
    if (req.method !== 'PUT') return text(res, 405, `method ${req.method} not allowed: GET or PUT`);
    if (access !== 'read-write') {
      stats.refusedWrites++;
      req.resume();
      return text(res, 403, 'this token may read the cache but not write it');
    }
    const length = Number(req.headers['content-length']);
    if (req.headers['content-length'] === undefined || !Number.isInteger(length) || length < 0) {
      req.resume();
      return text(res, 400, 'missing or invalid Content-Length header');
    }
    if (length > maxBytes) {
      req.resume();
      return text(res, 413, `entry of ${length} bytes is larger than the ${maxBytes} bytes allowed`);
    }
    if (existsSync(file)) {
      req.resume();
      return text(res, 409, 'an entry for this hash exists and is never replaced');
    }
    // Written aside, checked for its announced length, then linked into place: link fails if another
    // writer got there first, so an entry is never replaced nor seen half-written.
    // The digest goes into place before the entry, so an entry is never visible without the digest it is
    // checked against.
    const incoming = join(o.storageDir, 'incoming', `${hash}.${randomBytes(6).toString('hex')}`);
    const sha = createHash('sha256');
    const hashing = new Transform({ transform: (chunk: Buffer, _enc, done) => (sha.update(chunk), done(null, chunk)) });
    try {
      await pipeline(req, hashing, createWriteStream(incoming, { flags: 'wx' }));
      if (statSync(incoming).size !== length) return text(res, 400, `body was ${statSync(incoming).size} bytes, Content-Length said ${length}`);
      writeFileSync(`${incoming}.sha256`, sha.digest('hex'));
      try {
        linkSync(`${incoming}.sha256`, digestFile);
        linkSync(incoming, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return text(res, 409, 'an entry for this hash exists and is never replaced');
        rmSync(digestFile, { force: true });
        throw e;
      }
      stats.writes++;
      res.writeHead(200).end();
    } finally {
      rmSync(incoming, { force: true });
      rmSync(`${incoming}.sha256`, { force: true });
    }
  };

  const server = createServer((req, res) => {
    const started = Date.now();
    res.on('finish', () => log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));
    handle(req, res).catch((e: Error) => {
      log(`error: ${e.message}`);
      if (!res.headersSent) text(res, 500, 'storage error');
      else res.destroy();
    });
  });
  // Node's own defaults wait 5 minutes for a request and forever for an idle socket; each slow client only
  // holds its own socket, but a frozen one must also let go of it (and of its partial upload).
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(requestTimeoutMs, 30_000);
  server.setTimeout(Math.max(10_000, requestTimeoutMs / 10), (socket) => {
    log('dropped a connection idle past its deadline');
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${o.host ?? '127.0.0.1'}:${o.port ?? 0}`;
      if (e.code === 'EADDRINUSE')
        reject(new RemoteCacheOptionError('port', String(o.port), `${where} is already in use (another server listens there); choose a free port`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
        reject(new RemoteCacheOptionError('host', o.host ?? '', `no local address ${where} to listen on; give one of this machine's addresses`));
      else if (e.code === 'EACCES')
        reject(new RemoteCacheOptionError('port', String(o.port), `listening on ${where} is not permitted for this user; choose a port above 1023`));
      else reject(e);
    });
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Nx's client keeps connections open between requests; idle ones would hold the close back.
        server.closeIdleConnections();
      }),
  };
}

/** Why the entry may not be served, or undefined when its content matches the digest stored at upload. */
async function integrityProblem(file: string, digestFile: string): Promise<string | undefined> {
  let expected: string;
  try {
    expected = readFileSync(digestFile, 'utf8').trim();
  } catch {
    return 'has no stored digest';
  }
  const sha = createHash('sha256');
  for await (const chunk of createReadStream(file)) sha.update(chunk as Buffer);
  const actual = sha.digest('hex');
  return actual === expected ? undefined : `does not match its digest (sha256 ${actual.slice(0, 12)}…, stored ${expected.slice(0, 12)}…)`;
}
