import { randomBytes } from 'node:crypto';
import type { ContainerEngine, ContainerInfo, ExecResult, HistoryEntry, StartOptions } from './container-engine';
import { callerLabels } from './caller-labels';
import { containerEngine, engineUnreachable, isEngineGone } from './docker-client';
import { UserError } from '../errors/user-error';

/** One value per scope (a contract run): Ctrl-C or a crash removes exactly that scope's containers. */
export const SCOPE_LABEL = 'org.janus.scope';

export type { ContainerInfo, ExecResult, StartOptions } from './container-engine';

/** A container that was started: what checks and tests may do with it, without seeing the Engine API. */
export class StartedContainer {
  constructor(
    readonly id: string,
    readonly hostPort: number,
    private readonly image: string,
    private readonly engine: ContainerEngine,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.hostPort}`;
  }

  inspect(): Promise<ContainerInfo> {
    return this.engine.containers.inspect(this.id);
  }

  /** The layer history of the image it runs: what `docker history` shows anyone who can pull the image. */
  history(): Promise<HistoryEntry[]> {
    return this.engine.images.history(this.image);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.engine.containers.kill(this.id, signal);
  }

  /** The exit code once it has exited, or null if it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    try {
      return await Promise.race([this.engine.containers.wait(this.id), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  exec(cmd: string[]): Promise<ExecResult> {
    return this.engine.containers.exec(this.id, cmd);
  }

  logs(tail = 50): Promise<string> {
    return this.engine.containers.logs(this.id, { tail });
  }

  /** Streams its output as it comes until it exits; resolves when it ends. */
  followLogs(onChunk: (text: string) => void): Promise<void> {
    return this.engine.containers.followLogs(this.id, onChunk);
  }

  /** CPU time it has used so far, in nanoseconds (the engine's cgroup accounting). */
  cpuNanos(): Promise<number> {
    return this.engine.containers.cpuNanos(this.id);
  }

  stop(timeoutS = 10): Promise<void> {
    return this.engine.containers.stop(this.id, timeoutS);
  }

  async remove(): Promise<void> {
    await this.engine.containers.remove(this.id);
  }
}

/** Starts an image with its port published on a free loopback port chosen by the engine. */
export async function startContainer(image: string, options: StartOptions, engine: ContainerEngine = containerEngine()): Promise<StartedContainer> {
  const { id, hostPort } = await engine.containers.run(image, { ...options, labels: { ...callerLabels(), ...options.labels } });
  return new StartedContainer(id, hostPort, image, engine);
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

  async start(image: string, options: StartOptions, engine: ContainerEngine = containerEngine()): Promise<StartedContainer> {
    if (this.closed) throw new ScopeClosedError();
    // The whole start is pending, its own removal of a container that came up after close() included: close()
    // waiting only for the create left that removal racing its own, and a 409 "already in progress" let
    // close() return (and the process exit) with the container still running.
    const starting = (async () => {
      const started = await startContainer(image, { ...options, labels: { ...options.labels, ...this.labels } }, engine);
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
  async close(engine: ContainerEngine = containerEngine()): Promise<number> {
    this.closed = true;
    const label = `${SCOPE_LABEL}=${this.id}`;
    try {
      // What exists is removed at once, not after the slowest start in flight: an interrupted process may be
      // given only seconds before it is killed. The sweep after the starts settle catches what they created.
      const removedNow = await Promise.all([removeLabelledContainers(engine, label), Promise.allSettled([...this.pending])]);
      return removedNow[0] + (await removeLabelledContainers(engine, label));
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
export async function removeLabelledContainers(engine: ContainerEngine, label: string): Promise<number> {
  const list = await engine.containers.list({ labels: [label] });
  await Promise.all(list.map((c) => engine.containers.remove(c.id)));
  return list.length;
}
