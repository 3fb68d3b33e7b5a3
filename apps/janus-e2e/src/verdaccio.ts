import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../libs/janus/src/process/run-command';
import { stopChild } from '../../../libs/janus/src/process/stop-child';
import { REPO_ROOT } from '../../../tools/repo-root';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * A real npm registry on loopback: packages named `janus` are served only from its own storage (never
 * proxied, so a public package of that name cannot shadow ours); everything else is proxied to the registry
 * npm is configured with on this machine.
 */
export class Verdaccio {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'janus-verdaccio-'));
  url = '';

  async start(): Promise<void> {
    const port = await freePort();
    const uplink = (await runCommand('npm', ['config', 'get', 'registry'])).stdout.trim();
    writeFileSync(
      join(this.dir, 'config.yaml'),
      [
        `storage: ${join(this.dir, 'storage')}`,
        'uplinks:',
        `  upstream: { url: "${uplink}", timeout: 120s, max_fails: 5 }`,
        'packages:',
        "  'janus': { access: $all, publish: $anonymous }",
        "  '**': { access: $all, publish: $anonymous, proxy: upstream }",
        `listen: 127.0.0.1:${port}`,
        'log: { type: stdout, format: pretty, level: error }',
        'publish: { allow_offline: true }',
        '',
      ].join('\n'),
    );
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(join(REPO_ROOT, 'node_modules/.bin/verdaccio'), ['--config', join(this.dir, 'config.yaml')], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${this.url}/-/ping`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('verdaccio did not start within 30 s');
  }

  /** npm settings for commands that should use this registry (and a token, which verdaccio requires to publish). */
  npmEnv(): NodeJS.ProcessEnv {
    const npmrc = join(this.dir, '.npmrc');
    writeFileSync(npmrc, `registry=${this.url}/\n${this.url.replace(/^http:/, '')}/:_authToken=janus-e2e\n`);
    return { ...process.env, npm_config_userconfig: npmrc, npm_config_registry: `${this.url}/` };
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
