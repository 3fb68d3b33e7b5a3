import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../janus/src/process/run-command';
import { stopChild } from '../../janus/src/process/stop-child';
import { trustingFetch } from '../../janus/src/registry/trusting-fetch';
import type { IssuedCertificate } from './test-ca';

/** A port nobody listens on right now, from the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestRegistryOptions {
  port?: number;
  /** htpasswd (Basic) auth with this user, as private registries are run. */
  auth?: { username: string; password: string };
  /** HTTPS with this certificate (for 127.0.0.1), issued by the CA `ca` (PEM), as hosted registries serve. */
  tls?: IssuedCertificate & { ca: string };
  /** Bearer-token auth (`auth: token`): tokens from `realm`, signed by a key that chains to `rootCertBundle`. */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}

/**
 * A throwaway distribution registry (Debian's `docker-registry`) on loopback, owned by one test: it can be
 * paused (SIGSTOP: connections are accepted and never answered), killed, restarted on the same storage, and
 * have its storage made read-only, which the shared registry on :5000 must never suffer.
 */
export class TestRegistry {
  readonly dir = mkdtempSync(join(tmpdir(), 'janus-test-registry-'));
  readonly data = join(this.dir, 'data');
  port = 0;
  private child?: ChildProcess;
  private readOnly = false;

  constructor(readonly options: TestRegistryOptions = {}) {}

  /** A TLS registry goes by the address its certificate and the engine's certs.d entry name. */
  get host(): string {
    return `${this.options.tls ? '127.0.0.1' : 'localhost'}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.port ||= this.options.port ?? (await freePort());
    mkdirSync(this.data, { recursive: true });
    const lines = [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${this.data} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${this.port}${this.options.tls ? `, tls: { certificate: ${this.options.tls.certFile}, key: ${this.options.tls.keyFile} }` : ''} }`,
    ];
    if (this.options.auth) {
      const htpasswd = join(this.dir, 'htpasswd');
      await runCommand('htpasswd', ['-Bbc', htpasswd, this.options.auth.username, this.options.auth.password]);
      lines.push(`auth: { htpasswd: { realm: janus-test, path: ${htpasswd} } }`);
    }
    const token = this.options.token;
    if (token) {
      lines.push(`auth: { token: { realm: "${token.realm}", service: ${token.service}, issuer: ${token.issuer}, rootcertbundle: ${token.rootCertBundle} } }`);
    }
    writeFileSync(join(this.dir, 'config.yml'), lines.join('\n') + '\n');
    this.child = spawn('docker-registry', ['serve', join(this.dir, 'config.yml')], { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    const probe = this.options.tls ? trustingFetch([this.options.tls.ca]) : fetch;
    while (Date.now() < deadline) {
      const status = await probe(`${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}/v2/`)
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 200 || status === 401) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the test registry did not start on ${this.port}`);
  }

  signal(sig: 'SIGSTOP' | 'SIGCONT' | 'SIGKILL'): void {
    this.child?.kill(sig);
  }

  /** Kills the process at once (no graceful shutdown), as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Its storage on a read-only bind mount: every write fails inside the registry, reads keep working. */
  async makeStorageReadOnly(): Promise<void> {
    await runCommand('mount', ['--bind', this.data, this.data]);
    await runCommand('mount', ['-o', 'remount,bind,ro', this.data]);
    this.readOnly = true;
  }

  async makeStorageWritable(): Promise<void> {
    if (!this.readOnly) return;
    await runCommand('umount', [this.data]);
    this.readOnly = false;
  }

  async stop(): Promise<void> {
    this.signal('SIGCONT');
    await stopChild(this.child);
    await this.makeStorageWritable();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
