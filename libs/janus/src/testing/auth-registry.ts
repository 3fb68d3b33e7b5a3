import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../process/run-command';
import { stopChild } from '../process/stop-child';

/**
 * A second, throwaway distribution registry on loopback with htpasswd (Basic) auth, as private registries
 * are run: for tests of what happens when a registry challenges or refuses.
 */
export class AuthRegistry {
  readonly dir = mkdtempSync(join(tmpdir(), 'janus-auth-registry-'));
  private child?: ChildProcess;

  constructor(
    readonly port: number,
    readonly username = 'janus',
    readonly password = 'correct-horse',
  ) {}

  get host(): string {
    return `localhost:${this.port}`;
  }

  async start(): Promise<void> {
    const htpasswd = join(this.dir, 'htpasswd');
    await runCommand('htpasswd', ['-Bbc', htpasswd, this.username, this.password]);
    writeFileSync(
      join(this.dir, 'config.yml'),
      [
        'version: 0.1',
        'log: { level: error }',
        `storage: { filesystem: { rootdirectory: ${join(this.dir, 'data')} }, delete: { enabled: true } }`,
        `http: { addr: 127.0.0.1:${this.port} }`,
        `auth: { htpasswd: { realm: janus-test, path: ${htpasswd} } }`,
        '',
      ].join('\n'),
    );
    this.child = spawn('docker-registry', ['serve', join(this.dir, 'config.yml')], { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const status = await fetch(`http://127.0.0.1:${this.port}/v2/`)
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 401) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the auth registry did not start on ${this.port}`);
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
