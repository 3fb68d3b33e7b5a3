import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import type {
  ContainerEngine,
  ContainerInfo,
  ContainerListFilter,
  ContainerOperations,
  ContainerSummary,
  EngineEvent,
  EventFilter,
  ExecResult,
  HistoryEntry,
  ImageOperations,
  ImageSummary,
  LogOptions,
  PushCredentials,
  PushResult,
  StartOptions,
} from './container-engine';
import { repositoryAndTag } from '../oci/image-reference';
import { DockerodeEngineApi } from './dockerode-engine-api';
import { type EngineApi, type ImageInfo, localEngineSocket } from './engine-api';
import { CONFLICT, GONE, NOT_MODIFIED, tolerating } from './engine-status';
import { UserError } from '../errors/user-error';
import { followProgress } from './progress-stream';
import { retryUntil } from './retry-until';
import { SocketEngineApi } from './socket-engine-api';

/**
 * The Docker Engine API behind the ContainerEngine door: Docker's own engine, or any engine that speaks its
 * API on a socket (Podman's `podman system service`). `socketPath` is the one thing that says which engine;
 * without it, DOCKER_HOST (or the default socket) does, as for the docker CLI.
 *
 * Plain request-and-answer image calls go straight over a local socket; dockerode (which costs a process about
 * 0.14 s of CPU to load) is loaded only for streams and containers, so a build that only pings, inspects and
 * tags never loads it.
 */
export class DockerEngine implements ContainerEngine {
  private client?: Docker;
  private plain?: EngineApi;
  readonly containers: ContainerOperations;
  readonly images: ImageOperations;

  /**
   * `connect` makes the dockerode client for an engine a bare socket does not reach (tcp with TLS, ssh), and
   * `address` is then how it is named.
   */
  constructor(
    readonly socketPath?: string,
    private readonly connect?: () => Docker,
    private readonly address?: string,
  ) {
    const isPodman = podmanProbe(() => this.docker());
    this.containers = new DockerContainers(() => this.docker(), isPodman);
    this.images = new DockerImages(
      () => this.docker(),
      () => this.api(),
      isPodman,
    );
  }

  get endpoint(): string {
    if (this.address) return this.address;
    return this.socketPath ? `unix://${this.socketPath}` : (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  }

  /** dockerode for this engine, loaded on first use. */
  docker(): Docker {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see the class comment
    this.client ??= this.connect?.() ?? new (require('dockerode') as typeof Docker)(this.socketPath ? { socketPath: this.socketPath } : undefined);
    return this.client;
  }

  /** The plain calls: over the local socket with node:http, through dockerode for tcp, TLS or ssh. */
  api(): EngineApi {
    if (!this.plain) {
      const socket = this.socketPath ?? (this.connect ? undefined : localEngineSocket());
      this.plain = socket ? new SocketEngineApi(socket) : new DockerodeEngineApi(this.docker());
    }
    return this.plain;
  }

  ping(): Promise<void> {
    return this.api().ping();
  }

  async *events(filter: EventFilter, signal: AbortSignal): AsyncIterable<EngineEvent> {
    const stream = (await this.docker().getEvents({
      since: filter.since,
      filters: { ...(filter.type ? { type: [filter.type] } : {}), ...(filter.labels ? { label: filter.labels } : {}) },
      abortSignal: signal,
    } as Docker.GetEventsOptions)) as NodeJS.ReadableStream & AsyncIterable<Buffer>;
    let pending = '';
    try {
      for await (const chunk of stream) {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.trim())) {
          const e = JSON.parse(line) as { Type: string; Action: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; time: number };
          yield { type: e.Type, action: e.Action, id: e.Actor?.ID ?? '', attributes: e.Actor?.Attributes ?? {}, time: e.time };
        }
      }
    } catch (e) {
      if (!signal.aborted) throw e;
    }
  }
}

/** What a container calls the host on Docker, mapped to the bridge gateway by `--add-host …:host-gateway`. */
export const DOCKER_HOST_NAME = 'host.docker.internal';
/** What Podman (4.1 on) writes into every container's /etc/hosts for the host; it has no `host-gateway`. */
export const PODMAN_HOST_NAME = 'host.containers.internal';

/**
 * Whether the engine behind a socket is Podman, asked once (its /version names "Podman Engine"): a DOCKER_HOST
 * or builder endpoint may name either, so the socket alone does not say. A failed ask is not remembered.
 */
function podmanProbe(docker: () => Docker): () => Promise<boolean> {
  let answer: Promise<boolean> | undefined;
  return () => {
    answer ??= docker()
      .version()
      .then((v) => (v.Components ?? []).some((c) => /podman/i.test(c.Name)));
    answer.catch(() => (answer = undefined));
    return answer;
  };
}

/** One call to Podman's own (libpod) API, for what its Docker-compatible API leaves out; undefined on 404. */
async function libpod<T>(docker: Docker, path: string): Promise<T | undefined> {
  return tolerating(
    new Promise<T>((resolve, reject) =>
      docker.modem.dial(
        { path: `/v4.0.0/libpod${path}`, method: 'GET', statusCodes: { 200: true, 404: 'no such object', 500: 'server error' } },
        (err, data) => (err ? reject(err) : resolve(data as T)),
      ),
    ),
    [GONE],
    undefined,
  );
}

/**
 * Podman 4.3's Docker-compatible create splits each word of an exec-form HEALTHCHECK at whitespace
 * (`CMD python -c "import os"` runs `python -c import os`); its shell form arrives intact, so an exec form
 * whose words hold whitespace is given as the same words, quoted for /bin/sh.
 */
export function podmanHealthcheck<T extends { Test: string[] }>(check: T): T {
  const [form, ...words] = check.Test;
  if (form !== 'CMD' || !words.some((w) => /\s/.test(w))) return check;
  return { ...check, Test: ['CMD-SHELL', words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ')] };
}

/** Between looks for due HEALTHCHECKs on Podman: compose's own shortest useful interval. */
const HEALTH_TEND_MS = 1000;

class DockerContainers implements ContainerOperations {
  /**
   * When Podman last ran each container's HEALTHCHECK for us. Podman schedules healthchecks with systemd
   * timers; without systemd (containers, CI machines) it never runs them and a container stays `starting`.
   */
  private readonly healthRuns = new Map<string, number>();

  constructor(
    private readonly docker: () => Docker,
    private readonly isPodman: () => Promise<boolean>,
  ) {}

  async hostName(): Promise<string> {
    return (await this.isPodman()) ? PODMAN_HOST_NAME : DOCKER_HOST_NAME;
  }

  private container(id: string): Docker.Container {
    return this.docker().getContainer(id);
  }

  async list(filter: ContainerListFilter = {}): Promise<ContainerSummary[]> {
    const filters: Record<string, string[]> = {};
    if (filter.labels) filters.label = filter.labels;
    if (filter.publishedPort) filters.publish = [String(filter.publishedPort)];
    const list = await this.docker().listContainers({ all: filter.all ?? true, filters });
    return list.map((c) => ({ id: c.Id, name: c.Names?.[0]?.replace(/^\//, '') ?? c.Id, state: c.State, labels: c.Labels ?? {} }));
  }

  async inspect(id: string): Promise<ContainerInfo> {
    const info = (await this.container(id).inspect()) as ContainerInfo & { Config: { Healthcheck?: { Interval?: number } } };
    if (info.State.Health && info.State.Running && (await this.isPodman()) && this.healthDue(info.Id, info.Config.Healthcheck?.Interval)) {
      // Podman runs a healthcheck when asked (`podman healthcheck run`) and records it as its timer would have.
      await libpod(this.docker(), `/containers/${info.Id}/healthcheck`).catch(() => undefined);
      return this.container(id).inspect();
    }
    return info;
  }

  async tendHealthchecks(labels: string[], signal: AbortSignal): Promise<void> {
    if (!(await this.isPodman())) return;
    // Never done: it ends when the signal aborts, the one way this wait ends.
    await retryUntil(
      async () => {
        const running = await this.list({ labels, all: false }).catch(() => []);
        await Promise.all(running.map((c) => this.inspect(c.id).catch(() => undefined)));
        return { done: false, value: undefined };
      },
      { timeoutMs: Infinity, intervalMs: HEALTH_TEND_MS, signal },
    );
  }

  /** Whether the container's HEALTHCHECK interval (30 s when unset, as engines default it) has passed since we last ran it. */
  private healthDue(id: string, intervalNs = 30e9): boolean {
    const now = Date.now();
    if (now - (this.healthRuns.get(id) ?? 0) < intervalNs / 1e6) return false;
    this.healthRuns.set(id, now);
    return true;
  }

  async run(image: string, options: StartOptions): Promise<{ id: string; hostPort: number }> {
    const portKey = options.containerPort ? `${options.containerPort}/tcp` : undefined;
    const extraHosts = options.reachHost && !(await this.isPodman()) ? [`${DOCKER_HOST_NAME}:host-gateway`] : undefined;
    const container = await this.docker().createContainer({
      Image: image,
      Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: options.labels,
      ExposedPorts: portKey ? { [portKey]: {} } : undefined,
      User: options.user,
      Cmd: options.cmd,
      Healthcheck: options.healthcheck && (await this.isPodman()) ? podmanHealthcheck(options.healthcheck) : options.healthcheck,
      HostConfig: {
        PortBindings: portKey ? { [portKey]: [{ HostIp: '127.0.0.1', HostPort: options.hostPort ? String(options.hostPort) : '' }] } : undefined,
        ExtraHosts: extraHosts,
        ReadonlyRootfs: options.readOnlyRootfs,
        // An anonymous volume: no Source, so the engine makes (and with v: true removes) one per container.
        Mounts: options.volumes?.map((Target) => ({ Type: 'volume' as const, Target, Source: '' })),
        Tmpfs: options.tmpfs ? Object.fromEntries(options.tmpfs.map((p) => [p, 'rw,nosuid,nodev'])) : undefined,
      },
    });
    try {
      await container.start();
      if (!portKey) return { id: container.id, hostPort: 0 };
      const info = await container.inspect();
      const binding = info.NetworkSettings.Ports?.[portKey]?.[0];
      if (!binding) throw new UserError(`janus: container ${container.id.slice(0, 12)} published no port for ${portKey}`);
      return { id: container.id, hostPort: Number(binding.HostPort) };
    } catch (e) {
      await this.remove(container.id);
      throw e;
    }
  }

  async stop(id: string, timeoutS: number): Promise<void> {
    await tolerating(this.container(id).stop({ t: timeoutS }), [NOT_MODIFIED, GONE, CONFLICT], undefined);
  }

  async kill(id: string, signal: NodeJS.Signals): Promise<void> {
    await tolerating(this.container(id).kill({ signal }), [NOT_MODIFIED, GONE, CONFLICT], undefined);
  }

  remove(id: string): Promise<boolean> {
    return tolerating(
      this.container(id)
        .remove({ force: true, v: true })
        .then(() => true),
      [GONE, CONFLICT],
      false,
    );
  }

  async wait(id: string): Promise<number> {
    return ((await this.container(id).wait()) as { StatusCode: number }).StatusCode;
  }

  async logs(id: string, options: LogOptions = {}): Promise<string> {
    const buf = (await this.container(id).logs({ stdout: true, stderr: true, tail: options.tail, timestamps: options.timestamps, follow: false })) as unknown;
    return demuxBuffer(buf as Buffer);
  }

  async followLogs(id: string, onText: (text: string) => void, options: LogOptions & { signal?: AbortSignal } = {}): Promise<void> {
    const { signal, ...rest } = options;
    if (signal?.aborted) return;
    const container = this.container(id);
    const stream = (await container.logs({ stdout: true, stderr: true, ...rest, follow: true, abortSignal: signal })) as NodeJS.ReadableStream;
    await new Promise<void>((resolve) => {
      for (const ev of ['end', 'close', 'error']) stream.on(ev, () => resolve());
      signal?.addEventListener('abort', () => resolve());
      container.modem.demuxStream(stream, textSink(onText), textSink(onText));
    });
  }

  async exec(id: string, cmd: string[]): Promise<ExecResult> {
    const container = this.container(id);
    const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const chunks: string[] = [];
    const sink = textSink((t) => chunks.push(t));
    container.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    const { ExitCode } = await exec.inspect();
    return { exitCode: ExitCode ?? -1, output: chunks.join('') };
  }

  async cpuNanos(id: string): Promise<number> {
    const stats = (await this.container(id).stats({ stream: false })) as { cpu_stats?: { cpu_usage?: { total_usage?: number } } };
    return stats.cpu_stats?.cpu_usage?.total_usage ?? 0;
  }
}

class DockerImages implements ImageOperations {
  constructor(
    private readonly docker: () => Docker,
    private readonly api: () => EngineApi,
    private readonly isPodman: () => Promise<boolean>,
  ) {}

  async inspect(ref: string): Promise<ImageInfo | undefined> {
    const info = await this.api().inspectImage(ref);
    // Podman 4.3's Docker-compatible image inspect leaves out the image's HEALTHCHECK; its own API has it.
    if (info && !info.Config?.Healthcheck && (await this.isPodman())) {
      const own = await libpod<{ Healthcheck?: Docker.HealthConfig }>(this.docker(), `/images/${info.Id.replace(/^sha256:/, '')}/json`);
      if (own?.Healthcheck) return { ...info, Config: { ...info.Config, Healthcheck: own.Healthcheck } };
    }
    return info;
  }

  async list(options: { all?: boolean } = {}): Promise<ImageSummary[]> {
    const list = await this.docker().listImages({ all: options.all });
    return list.map((i) => ({ id: i.Id, repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>') }));
  }

  tag(image: string, ref: string): Promise<void> {
    const { repo, tag } = repositoryAndTag(ref);
    return this.api().tagImage(image, repo, tag);
  }

  remove(ref: string): Promise<boolean> {
    return tolerating(
      this.api()
        .removeImage(ref)
        .then(() => true),
      [GONE],
      false,
    );
  }

  async history(ref: string): Promise<HistoryEntry[]> {
    const history = await this.api().imageHistory(ref);
    return history.map((h) => ({ createdBy: h.CreatedBy ?? '', size: h.Size ?? 0 }));
  }

  async push(ref: string, options: { auth?: PushCredentials; onLine?: (line: string) => void; stallMs?: number } = {}): Promise<PushResult> {
    const { repo, tag } = repositoryAndTag(ref);
    const { auth, onLine } = options;
    const docker = this.docker();
    const stream = await docker
      .getImage(repo)
      .push({ tag, authconfig: auth && { username: auth.username, password: auth.password, serveraddress: auth.serveraddress } });
    const uploaded = new Set<string>();
    await followProgress(
      docker,
      stream,
      `push ${ref}`,
      (event) => {
        if (event.status === 'Pushed' && event.id) uploaded.add(event.id);
        if (onLine && event.status && !/Preparing|Waiting|Pushing/.test(event.status)) onLine(`${event.id ? `${event.id}: ` : ''}${event.status}`);
      },
      options.stallMs,
    );
    return { uploadedDiffIds: [...uploaded] };
  }

  async pull(ref: string, options: { auth?: PushCredentials; deadlineMs: number }): Promise<void> {
    const docker = this.docker();
    const starting = new AbortController();
    const timer = setTimeout(() => starting.abort(), options.deadlineMs);
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.pull(ref, { abortSignal: starting.signal, authconfig: options.auth && { ...options.auth } });
    } catch (e) {
      if (starting.signal.aborted) {
        throw new UserError(
          `the engine did not start the pull within ${options.deadlineMs / 1000} s (it waits for the registry's first answer); is the registry answering?`,
        );
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
    await followProgress(docker, stream, `pull ${ref}`, undefined, options.deadlineMs);
  }

  save(ref: string): Promise<NodeJS.ReadableStream> {
    return this.docker().getImage(ref).get();
  }

  async mirrors(): Promise<string[]> {
    const info = await this.api().info();
    // Docker lists them in Mirrors; Podman (registries.conf) under docker.io's index config, and Mirrors stays empty.
    return [...(info.RegistryConfig?.Mirrors ?? []), ...(info.RegistryConfig?.IndexConfigs?.['docker.io']?.Mirrors ?? [])];
  }
}

function textSink(onText: (text: string) => void): PassThrough {
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => onText(c.toString('utf8')));
  return sink;
}

/** Docker's multiplexed log format: an 8-byte header (stream, 0, 0, 0, size32) per frame; a TTY's output has none. */
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
