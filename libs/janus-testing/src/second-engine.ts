import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { runCommand } from '../../janus/src/process/run-command';
import { SocketEngineApi } from '../../janus/src/engine/socket-engine-api';

/**
 * A second dockerd on this machine, standing in for another platform's builder: its own socket, data root,
 * exec root (and so its own containerd) and bridge, the shared registry as its Docker Hub mirror like the main
 * engine's. Never `--bridge none`: at start that deletes docker0, which the main engine's containers need.
 * Started and stopped by one spec; stop() removes everything it made, even after a failed start.
 */
export class SecondEngine {
  private readonly id = randomBytes(3).toString('hex');
  readonly bridge = `janus-b${this.id}`;
  readonly socket = `/var/run/janus-engine-${this.id}.sock`;
  readonly endpoint = `unix://${this.socket}`;
  private readonly dataRoot = `/var/lib/janus-engine-${this.id}`;
  private readonly execRoot = `/var/run/janus-engine-${this.id}`;
  private readonly log = `/var/log/janus-engine-${this.id}.log`;
  private readonly config = `/var/run/janus-engine-${this.id}.json`;
  private child?: ChildProcess;
  readonly api = new SocketEngineApi(this.socket);

  /** The dockerd's process id, while it runs (a caller stopping its other children must spare it). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  static async start(timeoutMs = 60_000): Promise<SecondEngine> {
    const engine = new SecondEngine();
    try {
      await engine.boot(timeoutMs);
      return engine;
    } catch (e) {
      await engine.stop();
      throw e;
    }
  }

  /** A /24 on 172.31.x.0 no interface of this machine uses yet (another spec's second engine may hold one). */
  private async freeSubnet(): Promise<string> {
    const { stdout } = await runCommand('ip', ['-4', '-o', 'addr', 'show']);
    for (let tries = 0; tries < 50; tries++) {
      const octet = 100 + Math.floor(Math.random() * 150);
      if (!stdout.includes(`172.31.${octet}.`)) return `172.31.${octet}.1/24`;
    }
    throw new Error('no free 172.31.x.0/24 for a second engine bridge');
  }

  private async boot(timeoutMs: number): Promise<void> {
    await runCommand('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    await runCommand('ip', ['addr', 'add', await this.freeSubnet(), 'dev', this.bridge]);
    await runCommand('ip', ['link', 'set', this.bridge, 'up']);
    mkdirSync(this.dataRoot, { recursive: true });
    mkdirSync(this.execRoot, { recursive: true });
    // Its own config file: dockerd would read the main engine's (and refuse a flag it also sets).
    writeFileSync(this.config, JSON.stringify({ 'registry-mirrors': ['http://127.0.0.1:5000'] }));
    const out = openSync(this.log, 'w');
    try {
      this.child = spawn(
        'dockerd',
        [
          ...['--host', this.endpoint, '--data-root', this.dataRoot, '--exec-root', this.execRoot],
          ...['--pidfile', `${this.execRoot}.pid`, '--bridge', this.bridge, '--iptables=false'],
          ...['--config-file', this.config],
        ],
        { stdio: ['ignore', out, out] },
      );
    } finally {
      closeSync(out);
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`the second dockerd exited (${this.child.exitCode}): ${this.logTail()}`);
      if (
        await this.api.ping().then(
          () => true,
          () => false,
        )
      )
        return;
      if (Date.now() > deadline) throw new Error(`the second dockerd did not answer on ${this.socket} within ${timeoutMs / 1000} s: ${this.logTail()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private logTail(): string {
    try {
      return readFileSync(this.log, 'utf8').split('\n').slice(-5).join(' | ');
    } catch {
      return '(no log)';
    }
  }

  /** Stops the engine (its containerd with it) and removes its bridge, data root, exec root, socket and log. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    await runCommand('ip', ['link', 'del', this.bridge]).catch(() => undefined);
    for (const path of [this.dataRoot, this.execRoot, `${this.execRoot}.pid`, this.socket, this.log, this.config]) {
      try {
        rmSync(path, { recursive: true, force: true });
      } catch {
        // a mount the engine left behind: the next boot uses another id
      }
    }
  }
}
