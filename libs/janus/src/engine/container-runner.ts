import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { dockerClient, engineUnreachable, isEngineGone } from './docker-client';
import { DockerodeEngineApi } from './dockerode-engine-api';
import { type HistoryEntry, imageHistory } from './image-store';
import { UserError } from '../errors/user-error';

/** Every container Janus starts for checks or tests carries this label, so leftovers can always be found. */
export const TEST_LABEL = 'org.janus.test';
/** Set by the integration tests' global setup: one id per test run, so runs sharing an engine never judge or remove each other's containers. */
export const TEST_RUN_LABEL = 'org.janus.test.run';
/** One value per scope (a contract run): Ctrl-C or a crash removes exactly that scope's containers. */
export const SCOPE_LABEL = 'org.janus.scope';

export function testLabels(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { [TEST_LABEL]: 'true', ...(env.JANUS_TEST_RUN ? { [TEST_RUN_LABEL]: env.JANUS_TEST_RUN } : {}) };
}

/** The label filter that finds this test run's containers (every Janus test container outside a test run). */
export function testContainerFilter(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.JANUS_TEST_RUN ? `${TEST_RUN_LABEL}=${env.JANUS_TEST_RUN}` : TEST_LABEL];
}

export interface StartOptions {
  /** Published on loopback; omit for containers that serve nothing. */
  containerPort?: number;
  /** The loopback port to publish it on (default: a free one the engine chooses). */
  hostPort?: number;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** Extra hosts, e.g. { 'host.docker.internal': 'host-gateway' } to reach a fake upstream on the host. */
  extraHosts?: string[];
  user?: string;
  cmd?: string[];
  /** Overrides the image's HEALTHCHECK timing (nanoseconds, as the Engine API takes them). */
  healthcheck?: { Test: string[]; Interval: number; Timeout: number; Retries: number; StartPeriod: number };
  /** Run with the image's filesystem read-only, as hardened orchestrators do. */
  readOnlyRootfs?: boolean;
  /** Paths given a fresh anonymous volume (seeded from the image, removed with the container). */
  volumes?: string[];
  /** Paths given an empty in-memory filesystem. */
  tmpfs?: string[];
}

export interface ExecResult {
  exitCode: number;
  output: string;
}

export type ContainerInfo = Docker.ContainerInspectInfo;

/** A container that was started: what checks and tests may do with it, without seeing the Engine API. */
export class StartedContainer {
  constructor(
    private readonly container: Docker.Container,
    readonly hostPort: number,
    private readonly image: string,
    private readonly docker: Docker,
  ) {}

  get id(): string {
    return this.container.id;
  }

  get url(): string {
    return `http://127.0.0.1:${this.hostPort}`;
  }

  async inspect(): Promise<ContainerInfo> {
    return this.container.inspect();
  }

  /** The layer history of the image it runs: what `docker history` shows anyone who can pull the image. */
  async history(): Promise<HistoryEntry[]> {
    return imageHistory(this.image, new DockerodeEngineApi(this.docker));
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.container.kill({ signal }).catch(ignoreNotRunning);
  }

  /** The exit code once it has exited, or null if it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    try {
      return await Promise.race([this.container.wait().then((r: { StatusCode: number }) => r.StatusCode), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async exec(cmd: string[]): Promise<ExecResult> {
    const exec = await this.container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    this.container.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    const { ExitCode } = await exec.inspect();
    return { exitCode: ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') };
  }

  async logs(tail = 50): Promise<string> {
    const buf = (await this.container.logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
    return demuxBuffer(buf);
  }

  /** Streams its output as it comes until it exits (or the stream is destroyed); resolves when it ends. */
  async followLogs(onChunk: (text: string) => void): Promise<void> {
    const stream = (await this.container.logs({ stdout: true, stderr: true, follow: true })) as NodeJS.ReadableStream;
    const sink = new PassThrough();
    sink.on('data', (c: Buffer) => onChunk(c.toString('utf8')));
    this.container.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve) => {
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
    });
  }

  /** CPU time it has used so far, in nanoseconds (the engine's cgroup accounting). */
  async cpuNanos(): Promise<number> {
    const stats = (await this.container.stats({ stream: false })) as { cpu_stats?: { cpu_usage?: { total_usage?: number } } };
    return stats.cpu_stats?.cpu_usage?.total_usage ?? 0;
  }

  async stop(timeoutS = 10): Promise<void> {
    await this.container.stop({ t: timeoutS }).catch(ignoreNotRunning);
  }

  async remove(): Promise<void> {
    await this.container.remove({ force: true, v: true }).catch(ignoreMissing);
  }
}

/** Starts an image with its port published on a free loopback port chosen by the engine. */
export async function startContainer(image: string, options: StartOptions, docker = dockerClient()): Promise<StartedContainer> {
  const portKey = options.containerPort ? `${options.containerPort}/tcp` : undefined;
  const container = await docker.createContainer({
    Image: image,
    Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: { ...testLabels(), ...options.labels },
    ExposedPorts: portKey ? { [portKey]: {} } : undefined,
    User: options.user,
    Cmd: options.cmd,
    Healthcheck: options.healthcheck,
    HostConfig: {
      PortBindings: portKey ? { [portKey]: [{ HostIp: '127.0.0.1', HostPort: options.hostPort ? String(options.hostPort) : '' }] } : undefined,
      ExtraHosts: options.extraHosts,
      ReadonlyRootfs: options.readOnlyRootfs,
      // An anonymous volume: no Source, so the engine makes (and with v: true removes) one per container.
      Mounts: options.volumes?.map((Target) => ({ Type: 'volume' as const, Target, Source: '' })),
      Tmpfs: options.tmpfs ? Object.fromEntries(options.tmpfs.map((p) => [p, 'rw,nosuid,nodev'])) : undefined,
    },
  });
  try {
    await container.start();
    if (!portKey) return new StartedContainer(container, 0, image, docker);
    const info = await container.inspect();
    const binding = info.NetworkSettings.Ports?.[portKey]?.[0];
    if (!binding) throw new UserError(`janus: container ${container.id.slice(0, 12)} published no port for ${portKey}`);
    return new StartedContainer(container, Number(binding.HostPort), image, docker);
  } catch (e) {
    await container.remove({ force: true }).catch(ignoreMissing);
    throw e;
  }
}

/**
 * The containers of one run (a contract test): each carries the scope's label, and `close()` removes them
 * all. A container whose creation was still in flight when the scope closed (Ctrl-C mid-start) is removed
 * as soon as it exists, so nothing started after the cleanup can outlive it.
 */
export class ContainerScope {
  readonly id = randomBytes(6).toString('hex');
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();
  /** Ids of the containers it started, to name them when the engine is gone and cannot remove them. */
  private readonly started = new Set<string>();

  get labels(): Record<string, string> {
    return { [SCOPE_LABEL]: this.id };
  }

  async start(image: string, options: StartOptions, docker = dockerClient()): Promise<StartedContainer> {
    if (this.closed) throw new ScopeClosedError();
    // The whole start is pending, its own removal of a container that came up after close() included: close()
    // waiting only for the create left that removal racing its own, and a 409 "already in progress" let
    // close() return (and the process exit) with the container still running.
    const starting = (async () => {
      const started = await startContainer(image, { ...options, labels: { ...options.labels, ...this.labels } }, docker);
      this.started.add(started.id);
      if (this.closed) {
        await started.remove();
        throw new ScopeClosedError();
      }
      return started;
    })();
    this.pending.add(starting);
    try {
      return await starting;
    } finally {
      this.pending.delete(starting);
    }
  }

  /**
   * Removes every container of the scope; returns how many there were. Starts still in flight are waited
   * for first, so a container the engine creates after the signal is removed too, not left behind.
   */
  async close(docker = dockerClient()): Promise<number> {
    this.closed = true;
    const label = `${SCOPE_LABEL}=${this.id}`;
    try {
      // What exists is removed at once, not after the slowest start in flight: an interrupted process may be
      // given only seconds before it is killed. The sweep after the starts settle catches what they created.
      const removedNow = await Promise.all([removeLabelledContainers(docker, label), Promise.allSettled([...this.pending])]);
      return removedNow[0] + (await removeLabelledContainers(docker, label));
    } catch (e) {
      if (!isEngineGone(e)) throw e;
      // dockerd stopped or crashed mid-run: its containers come back (stopped) with it, so say which they are
      // and how to remove them, rather than a raw `connect ENOENT`.
      const ids = [...this.started].map((id) => id.slice(0, 12));
      const gone = engineUnreachable(e, `removing this run's containers${ids.length ? ` (${ids.join(', ')})` : ''}`);
      throw new UserError(`${gone.message} Once it is back, remove them with 'docker rm -f $(docker ps -aq --filter label=${SCOPE_LABEL}=${this.id})'.`);
    }
  }
}

export class ScopeClosedError extends Error {
  constructor() {
    super('janus: the run was stopped; no further containers are started');
    this.name = 'ScopeClosedError';
  }
}

/** Removes every container carrying the label (default: the test label); returns how many there were. */
export async function removeLabelledContainers(docker = dockerClient(), label: string = TEST_LABEL): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreMissing)));
  return list.length;
}

// Docker's multiplexed log format: 8-byte header (stream, 0, 0, 0, size32) per frame.
export function demuxBuffer(buf: Buffer): string {
  if (!Buffer.isBuffer(buf)) return String(buf);
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length && buf[offset] <= 2 && buf[offset + 1] === 0) {
    const size = buf.readUInt32BE(offset + 4);
    parts.push(buf.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === 0 ? buf.toString('utf8') : Buffer.concat(parts).toString('utf8');
}

function ignoreMissing(e: { statusCode?: number }): void {
  if (e?.statusCode !== 404 && e?.statusCode !== 409) throw e;
}

function ignoreNotRunning(e: { statusCode?: number }): void {
  if (e?.statusCode !== 304 && e?.statusCode !== 404 && e?.statusCode !== 409) throw e;
}
