import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../process/run-command';
import { stopChild } from '../process/stop-child';

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

  get host(): string {
    return `localhost:${this.port}`;
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
      `http: { addr: 127.0.0.1:${this.port} }`,
    ];
    if (this.options.auth) {
      const htpasswd = join(this.dir, 'htpasswd');
      await runCommand('htpasswd', ['-Bbc', htpasswd, this.options.auth.username, this.options.auth.password]);
      lines.push(`auth: { htpasswd: { realm: janus-test, path: ${htpasswd} } }`);
    }
    writeFileSync(join(this.dir, 'config.yml'), lines.join('\n') + '\n');
    this.child = spawn('docker-registry', ['serve', join(this.dir, 'config.yml')], { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const status = await fetch(`http://127.0.0.1:${this.port}/v2/`)
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
