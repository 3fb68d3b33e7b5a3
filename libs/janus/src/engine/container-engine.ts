import type { PushCredentials } from '../oci/credentials';
import type { ImageInfo } from './engine-api';

export type { PushCredentials } from '../oci/credentials';
export type { ImageInfo } from './engine-api';

/**
 * The one door to a container engine: everything outside `engine/` that starts, inspects, stops, removes or
 * reads a container, or looks at, tags, pushes or removes a local image, goes through this interface. Docker
 * and Podman (through its Docker-compatible socket) are adapters behind it; callers never see the Engine API.
 *
 * Engine answers that only say "already so" are not errors here, in one place for every caller: stopping a
 * stopped container (304), removing a container or image that is gone (404) or already being removed (409).
 */
export interface ContainerEngine {
  /** Where the engine listens, for messages (`unix:///var/run/docker.sock`). */
  readonly endpoint: string;
  /** Resolves when the engine answers; rejects with the engine's own error otherwise. */
  ping(): Promise<void>;
  readonly containers: ContainerOperations;
  readonly images: ImageOperations;
  /** The engine's events until `signal` aborts (or the engine closes the stream). */
  events(filter: EventFilter, signal: AbortSignal): AsyncIterable<EngineEvent>;
}

export interface ContainerSummary {
  id: string;
  /** Without the leading slash the Engine API puts on it. */
  name: string;
  state: string;
  labels: Record<string, string>;
}

export interface ContainerListFilter {
  /** `key` or `key=value`; a container must carry every one. */
  labels?: string[];
  /** Only containers publishing this host port. */
  publishedPort?: number;
  /** Stopped ones too (default true: a caller that cleans up must see them). */
  all?: boolean;
}

/** What `inspect` tells about a container: the parts the plugin reads, in the Engine API's own names. */
export interface ContainerInfo {
  Id: string;
  Name: string;
  Config: { Labels?: Record<string, string> | null; User?: string };
  State: {
    Running: boolean;
    ExitCode: number;
    Health?: { Status: string; Log?: Array<{ ExitCode: number; Output: string }> };
  };
  NetworkSettings: { Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null };
}

export interface StartOptions {
  /** Published on loopback; omit for containers that serve nothing. */
  containerPort?: number;
  /** The loopback port to publish it on (default: a free one the engine chooses). */
  hostPort?: number;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /**
   * Let it reach servers listening on the host's interfaces under the name `containers.hostName()` answers
   * (a fake upstream platform). Each engine has its own way: Docker maps host.docker.internal to its
   * `host-gateway`; Podman 4.3 has no `host-gateway` but puts host.containers.internal in every container.
   */
  reachHost?: boolean;
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

export interface LogOptions {
  /** Last lines only (default: all). */
  tail?: number;
  timestamps?: boolean;
}

export interface ContainerOperations {
  /** The name a container started with `reachHost` reaches the host by (host.docker.internal, host.containers.internal). */
  hostName(): Promise<string>;
  list(filter?: ContainerListFilter): Promise<ContainerSummary[]>;
  /** Rejects with status 404 when there is no such container. */
  inspect(id: string): Promise<ContainerInfo>;
  /**
   * Creates and starts one; answers its id and the loopback port its `containerPort` was published on (0 when
   * none). A container that was created but would not start is removed before the error is thrown.
   */
  run(image: string, options: StartOptions): Promise<{ id: string; hostPort: number }>;
  /**
   * Keeps the HEALTHCHECKs of the running containers carrying every label going until `signal` aborts, for
   * waits that are not ours to poll (compose's `depends_on: condition: service_healthy`). Docker runs them
   * itself (resolves at once); Podman schedules them with systemd timers, so without systemd they run only
   * when this door inspects a container.
   */
  tendHealthchecks(labels: string[], signal: AbortSignal): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutS`; a container already stopped or gone is no error. */
  stop(id: string, timeoutS: number): Promise<void>;
  /** A container already stopped or gone is no error. */
  kill(id: string, signal: NodeJS.Signals): Promise<void>;
  /** Force-removes it with its anonymous volumes; false when it was already gone. */
  remove(id: string): Promise<boolean>;
  /** Resolves with its exit code once it has exited. */
  wait(id: string): Promise<number>;
  /** Its output so far, stdout and stderr demultiplexed into one text. */
  logs(id: string, options?: LogOptions): Promise<string>;
  /** Streams its output, demultiplexed, until it exits or `signal` aborts; resolves then. */
  followLogs(id: string, onText: (text: string) => void, options?: LogOptions & { signal?: AbortSignal }): Promise<void>;
  exec(id: string, cmd: string[]): Promise<ExecResult>;
  /** CPU time it has used so far, in nanoseconds (the engine's cgroup accounting). */
  cpuNanos(id: string): Promise<number>;
}

export interface ImageSummary {
  id: string;
  /** Without Docker's `<none>:<none>` placeholder: empty for a dangling image. */
  repoTags: string[];
}

export interface HistoryEntry {
  createdBy: string;
  size: number;
}

/** What a push did: the short diff ids of the layers it uploaded (not those the registry had or mounted). */
export interface PushResult {
  uploadedDiffIds: string[];
}

export interface ImageOperations {
  /** undefined when the engine has no image by that name or id. */
  inspect(ref: string): Promise<ImageInfo | undefined>;
  list(options?: { all?: boolean }): Promise<ImageSummary[]>;
  /** Points `ref` (`repo:tag`) at the image. */
  tag(image: string, ref: string): Promise<void>;
  /** Removes a tag (the image with its last tag) or an image by id; false when it was already gone. */
  remove(ref: string): Promise<boolean>;
  history(ref: string): Promise<HistoryEntry[]>;
  /** Pushes one local tag; `onLine` gets the progress lines that say something; no progress for `stallMs` fails. */
  push(ref: string, options?: { auth?: PushCredentials; onLine?: (line: string) => void; stallMs?: number }): Promise<PushResult>;
  /** Pulls `ref`; the pull must start, and then progress, within `deadlineMs`. */
  pull(ref: string, options: { auth?: PushCredentials; deadlineMs: number }): Promise<void>;
  /** `docker save` of one image: a tar of its config and layers, streamed. */
  save(ref: string): Promise<NodeJS.ReadableStream>;
  /** The registry mirrors the engine uses for Docker Hub names. */
  mirrors(): Promise<string[]>;
}

export interface EventFilter {
  type?: 'container' | 'image';
  labels?: string[];
  /** Unix seconds: replay events from then on. */
  since?: number;
}

export interface EngineEvent {
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
  /** Unix seconds. */
  time: number;
}
