import { Readable } from 'node:stream';
import type {
  ContainerEngine,
  ContainerInfo,
  ContainerListFilter,
  ContainerOperations,
  ContainerSummary,
  EngineEvent,
  ExecResult,
  HistoryEntry,
  ImageInfo,
  ImageOperations,
  ImageSummary,
  PushResult,
  StartOptions,
} from '../../janus/src/engine/container-engine';

/** A container as the fake engine holds it; `looks` are what successive inspects answer (the last one repeats). */
export interface FakeContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  running: boolean;
  exitCode?: number;
  looks?: Array<Partial<ContainerInfo['State']>>;
  logs?: string;
}

/**
 * An engine in memory behind the ContainerEngine interface, for unit specs of what uses the door: it keeps
 * containers and images, answers as a well-behaved engine does ("already so" is no error), and records what
 * it was asked in `calls`.
 */
export class FakeContainerEngine implements ContainerEngine {
  readonly endpoint = 'fake://engine';
  readonly calls: string[] = [];
  readonly held = new Map<string, FakeContainer>();
  readonly imageTags = new Map<string, string[]>();
  private next = 0;

  constructor(containers: FakeContainer[] = []) {
    for (const c of containers) this.held.set(c.id, c);
  }

  async ping(): Promise<void> {
    this.calls.push('ping');
  }

  // eslint-disable-next-line require-yield -- a fake engine has nothing to report
  async *events(): AsyncIterable<EngineEvent> {
    this.calls.push('events');
  }

  readonly containers: ContainerOperations = {
    hostName: async () => 'host.docker.internal',
    tendHealthchecks: async () => undefined,
    list: async (filter: ContainerListFilter = {}): Promise<ContainerSummary[]> => {
      this.calls.push(`list ${(filter.labels ?? []).join(',')}`);
      const carries = (c: FakeContainer, l: string) => {
        const [k, v] = l.split('=', 2);
        return k in c.labels && (v === undefined || c.labels[k] === v);
      };
      return [...this.held.values()]
        .filter((c) => (filter.all ?? true) || c.running)
        .filter((c) => (filter.labels ?? []).every((l) => carries(c, l)))
        .map((c) => ({ id: c.id, name: c.name, state: c.running ? 'running' : 'exited', labels: c.labels }));
    },
    inspect: async (id: string): Promise<ContainerInfo> => {
      this.calls.push(`inspect ${id}`);
      const c = this.held.get(id);
      if (!c) throw Object.assign(new Error(`no such container: ${id}`), { statusCode: 404 });
      const look = c.looks && c.looks.length > 1 ? c.looks.shift() : c.looks?.[0];
      return {
        Id: c.id,
        Name: `/${c.name}`,
        Config: { Labels: c.labels },
        State: { Running: c.running, ExitCode: c.exitCode ?? 0, ...look },
        NetworkSettings: { Ports: {} },
      };
    },
    run: async (image: string, options: StartOptions) => {
      const id = `fake${++this.next}`;
      this.calls.push(`run ${image}`);
      this.held.set(id, { id, name: id, labels: options.labels ?? {}, running: true });
      return { id, hostPort: options.containerPort ? 40000 + this.next : 0 };
    },
    stop: async (id: string) => {
      this.calls.push(`stop ${id}`);
      const c = this.held.get(id);
      if (c) c.running = false;
    },
    kill: async (id: string) => {
      this.calls.push(`kill ${id}`);
      const c = this.held.get(id);
      if (c) c.running = false;
    },
    remove: async (id: string) => {
      this.calls.push(`remove ${id}`);
      return this.held.delete(id);
    },
    wait: async (id: string) => this.held.get(id)?.exitCode ?? 0,
    logs: async (id: string) => this.held.get(id)?.logs ?? '',
    followLogs: async (id: string, onText: (text: string) => void) => onText(this.held.get(id)?.logs ?? ''),
    exec: async (): Promise<ExecResult> => ({ exitCode: 0, output: '' }),
    cpuNanos: async () => 0,
  };

  readonly images: ImageOperations = {
    inspect: async (ref: string) => (this.imageTags.has(ref) ? ({ Id: ref, RepoTags: this.imageTags.get(ref) } as ImageInfo) : undefined),
    list: async (): Promise<ImageSummary[]> => [...this.imageTags].map(([id, repoTags]) => ({ id, repoTags })),
    tag: async (image: string, ref: string) => void this.imageTags.set(image, [...(this.imageTags.get(image) ?? []), ref]),
    remove: async (ref: string) => {
      this.calls.push(`remove image ${ref}`);
      return this.imageTags.delete(ref);
    },
    history: async (): Promise<HistoryEntry[]> => [],
    push: async (): Promise<PushResult> => ({ uploadedDiffIds: [] }),
    pull: async () => undefined,
    save: async () => Readable.from([]),
    mirrors: async () => [],
  };
}
