import { randomBytes, timingSafeEqual } from 'node:crypto';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CommandError, runCommand } from '../../libs/janus/src/process/run-command';

/** Every container and network a stand-in makes carries this label, valued with the stand-in's id. */
export const STAND_IN_LABEL = 'org.janus.sandy-stand-in';
/** The sandbox a container belongs to. */
export const SANDBOX_LABEL = 'org.janus.sandy-stand-in.sandbox';

/**
 * Switches tests flip to make the stand-in misbehave as a real Sandy might. All off by default; they can be
 * changed while it runs (`standIn.faults = {...}`).
 */
export interface StandInFaults {
  /** Answer every `POST /api/sandboxes` with this status (e.g. 503) and create nothing. */
  createStatus?: number;
  /** Answer every exec with this status (e.g. 500) and run nothing. */
  execStatus?: number;
  /** Accept these calls and never answer them. */
  hang?: ReadonlyArray<'create' | 'exec' | 'terminate' | 'proxy'>;
}

export interface StandInOptions {
  /** The bearer token every /api call must carry. */
  apiKey: string;
  /** 0 (default): a free port. */
  port?: number;
  /** What holds each sandbox's network namespace: any local image with `sleep`. */
  holderImage?: string;
  faults?: StandInFaults;
  /** Labels every sandbox container carries besides the stand-in's own (tests pass theirs, to find leftovers). */
  labels?: Record<string, string>;
}

interface Sandbox {
  id: string;
  network: string;
  holder: string;
  pid: number;
  ip: string;
  env: Record<string, string>;
}

/**
 * A stand-in for the Sandy sandbox API, for tests and local runs only: the endpoints the gateway's Sandy
 * runner uses (create, exec, proxy, terminate), with bearer auth and fault switches. It is not Sandy and not a
 * sandbox: exec'd commands run as this process's user on this host, inside the sandbox's network namespace
 * only, and every sandbox shares this host's Docker engine and image store (see README.md).
 */
export class SandyStandIn {
  faults: StandInFaults;
  readonly id = randomBytes(4).toString('hex');
  /** Every API call received, method and path: for tests asserting what a client did. */
  readonly calls: string[] = [];
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly server: Server;
  private readonly shimDir: string;
  private readonly dockerBin: string;
  private readonly holderImage: string;
  private url_?: string;

  constructor(private readonly options: StandInOptions) {
    this.faults = options.faults ?? {};
    this.holderImage = options.holderImage ?? 'localhost:5000/library/python:3.11-slim';
    this.dockerBin = findOnPath('docker');
    this.shimDir = mkdtempSync(join(tmpdir(), 'sandy-stand-in-'));
    const shim = join(this.shimDir, 'docker');
    writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(__dirname, 'docker-shim.js'))} "$@"\n`);
    chmodSync(shim, 0o755);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => reply(res, 500, { detail: (e as Error).message }));
    });
  }

  get url(): string {
    if (!this.url_) throw new Error('the Sandy stand-in is not listening yet: await start() first');
    return this.url_;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', resolve);
    });
    this.url_ = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url_;
  }

  /** Ids of the sandboxes that exist now. */
  liveSandboxes(): string[] {
    return [...this.sandboxes.keys()];
  }

  /** Terminates every sandbox there is (a test's clean-up after a client that leaked one); returns their ids. */
  async terminateAll(): Promise<string[]> {
    const ids = [...this.sandboxes.keys()];
    for (const id of ids) await this.terminate(id);
    return ids;
  }

  /** Terminates every sandbox, drops hanging connections and removes the shim directory. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.terminateAll();
    rmSync(this.shimDir, { recursive: true, force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    this.calls.push(`${req.method} ${path}`);
    if (!this.authorized(req)) return reply(res, 401, { detail: 'Invalid or missing API key' });
    const hang = this.faults.hang ?? [];

    if (req.method === 'POST' && path === '/api/sandboxes') {
      if (hang.includes('create')) return;
      if (this.faults.createStatus) return reply(res, this.faults.createStatus, { detail: 'stand-in fault: create fails' });
      const body = (await readJson(req)) as { env?: Record<string, string> };
      const sandbox = await this.create(body.env ?? {});
      return reply(res, 200, { sandbox_id: sandbox.id, status: 'running' });
    }

    const m = /^\/api\/sandboxes\/([^/]+)\/(exec|terminate|proxy\/(\d+))(\/.*)?$/.exec(path);
    const sandbox = m ? this.sandboxes.get(decodeURIComponent(m[1])) : undefined;
    if (!m || (m[3] === undefined && m[4] !== undefined)) return reply(res, 404, { detail: `no route ${req.method} ${path}` });
    if (!sandbox) return reply(res, 404, { detail: `sandbox ${m[1]} not found` });

    if (m[2] === 'exec' && req.method === 'POST') {
      if (hang.includes('exec')) return;
      if (this.faults.execStatus) return reply(res, this.faults.execStatus, { detail: 'stand-in fault: exec fails' });
      const body = (await readJson(req)) as { command?: unknown; timeout?: unknown };
      if (typeof body.command !== 'string') return reply(res, 422, { detail: 'command must be a string' });
      const timeoutS = typeof body.timeout === 'number' ? body.timeout : 300;
      return reply(res, 200, await this.exec(sandbox, body.command, timeoutS));
    }
    if (m[2] === 'terminate' && req.method === 'POST') {
      if (hang.includes('terminate')) return;
      await this.terminate(sandbox.id);
      return reply(res, 200, { sandbox_id: sandbox.id, status: 'terminated' });
    }
    if (m[3] !== undefined) {
      if (hang.includes('proxy')) return;
      return this.proxy(sandbox, Number(m[3]), (m[4] ?? '/') + new URL(req.url ?? '/', 'http://stand-in').search, req, res);
    }
    return reply(res, 405, { detail: `${req.method} not allowed on ${path}` });
  }

  private authorized(req: IncomingMessage): boolean {
    const given = Buffer.from(req.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${this.options.apiKey}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  private async create(env: Record<string, string>): Promise<Sandbox> {
    const id = `sb-${randomBytes(5).toString('hex')}`;
    const labels = this.labels(id);
    const network = `janus-sandy-${this.id}-${id}`;
    const holder = `${network}-sandbox`;
    const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    // Known before the first engine call, so a create that fails half-way is still terminated.
    const sandbox: Sandbox = { id, network, holder, pid: 0, ip: '', env };
    this.sandboxes.set(id, sandbox);
    try {
      await this.docker(['network', 'create', ...labelArgs, network]);
      await this.docker(['run', '-d', '--name', holder, '--network', network, ...labelArgs, '--cap-drop', 'ALL', this.holderImage, 'sleep', 'infinity']);
      const facts = await this.docker(['inspect', '--format', `{{.State.Pid}} {{(index .NetworkSettings.Networks "${network}").IPAddress}}`, holder]);
      const [pid, ip] = facts.trim().split(' ');
      sandbox.pid = Number(pid);
      sandbox.ip = ip;
      return sandbox;
    } catch (e) {
      await this.terminate(id);
      throw e;
    }
  }

  private async exec(sandbox: Sandbox, command: string, timeoutS: number): Promise<{ exit_code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = {
      PATH: `${this.shimDir}${delimiter}${process.env.PATH ?? ''}`,
      HOME: process.env.HOME,
      ...sandbox.env,
      SANDY_STAND_IN_DOCKER: this.dockerBin,
      SANDY_STAND_IN_SANDBOX: sandbox.id,
      SANDY_STAND_IN_PREFIX: `${sandbox.network}-`,
      SANDY_STAND_IN_NETNS_CONTAINER: sandbox.holder,
      SANDY_STAND_IN_LABELS: JSON.stringify(this.labels(sandbox.id)),
    };
    try {
      // The sandbox's network namespace, so `localhost` in the command is the sandbox's, as in a VM.
      const r = await runCommand('nsenter', [`--net=/proc/${sandbox.pid}/ns/net`, '--', 'sh', '-c', command], {
        env,
        signal: AbortSignal.timeout(timeoutS * 1000),
      });
      return { exit_code: r.code, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      if (e instanceof CommandError) return { exit_code: e.result.code, stdout: e.result.stdout, stderr: e.result.stderr };
      if ((e as Error).name === 'AbortError') return { exit_code: 124, stdout: '', stderr: `timed out after ${timeoutS} s` };
      throw e;
    }
  }

  private proxy(sandbox: Sandbox, port: number, path: string, req: IncomingMessage, res: ServerResponse): void {
    const headers = { ...req.headers };
    // The bearer token is the stand-in's; the competitor never sees it.
    delete headers.authorization;
    delete headers.host;
    const upstream = httpRequest({ host: sandbox.ip, port, path, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // Piped as it arrives: an SSE stream reaches the client event by event. A competitor that dies
      // mid-answer cuts the client's connection, as a real proxy would, rather than ending it cleanly.
      answer.on('aborted', () => res.destroy());
      answer.on('error', () => res.destroy());
      answer.pipe(res);
    });
    upstream.on('error', (e) => {
      if (!res.headersSent) reply(res, 502, { detail: `sandbox ${sandbox.id}: nothing answers on port ${port} (${e.message})` });
      else res.destroy();
    });
    // A client that goes away cancels the request to the competitor.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  private async terminate(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return;
    const ids = (await this.docker(['ps', '-aq', '--filter', `label=${SANDBOX_LABEL}=${id}`])).split('\n').filter(Boolean);
    if (ids.length) await this.docker(['rm', '-f', '-v', ...ids]);
    await this.docker(['network', 'rm', sandbox.network]).catch((e: unknown) => {
      if (!/not found|No such network/i.test((e as Error).message)) throw e;
    });
    this.sandboxes.delete(id);
  }

  private labels(sandboxId: string): Record<string, string> {
    return { ...this.options.labels, [STAND_IN_LABEL]: this.id, [SANDBOX_LABEL]: sandboxId };
  }

  private async docker(args: string[]): Promise<string> {
    return (await runCommand(this.dockerBin, args)).stdout;
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}

function findOnPath(bin: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return join(dir, bin);
    } catch {
      // not in this directory
    }
  }
  throw new Error(`the Sandy stand-in needs '${bin}' on PATH`);
}
