import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { DockerSettings } from '../../config';
import { type Logger, silentLogger } from '../../log';
import { type Competitor, type CompetitorRunner, type Lease, RunnerError } from '../competitor-runner';
import { probeHealth, waitForHealth } from '../health-probe';

/** Every container a gateway starts carries its instance name: what it removes on shutdown and, after a crash, on its next start. */
export const INSTANCE_LABEL = 'org.janus.gateway.instance';
export const COMPETITOR_LABEL = 'org.janus.gateway.competitor';

export interface DockerCompetitor extends Competitor {
  readonly image: string;
  /** The port the competitor's server listens on inside its container. */
  readonly port: number;
  /** Root filesystem read-only (with a tmpfs /tmp); off for images that must write elsewhere. */
  readonly readOnlyRoot: boolean;
}

export interface DockerRunnerOptions {
  docker: Docker;
  logger?: Logger;
  /** Labels added to every container (tests mark theirs with their run id). Never secrets: labels are public. */
  labels?: Record<string, string>;
}

interface Slot {
  id?: string;
  name: string;
  baseUrl?: string;
  /** Leases handed out or promised (requests waiting for this slot to become ready). */
  active: number;
  state: 'starting' | 'ready' | 'gone';
  ready: Promise<void>;
  idleTimer?: NodeJS.Timeout;
}

interface Pool {
  slots: Set<Slot>;
  waiters: Set<() => void>;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .slice(0, 40);

/**
 * Starts competitor images on the local engine on demand and proxies to them. Each container gets the
 * competitor's env and the safety flags (memory limit, no-new-privileges, every capability dropped, read-only
 * root with a tmpfs /tmp where the image allows), is asked for /health until it answers (else removed and 504),
 * and serves up to `streamsPerContainer` requests at once; up to `maxContainers` run per competitor. `warm`
 * containers per competitor are kept ready; others are removed after `idleTimeoutMs` without a request.
 */
export class DockerRunner implements CompetitorRunner {
  readonly kind = 'docker' as const;
  private readonly pools = new Map<string, Pool>();
  private readonly logger: Logger;
  private closed = false;

  constructor(
    private readonly settings: DockerSettings,
    private readonly options: DockerRunnerOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  private get docker(): Docker {
    return this.options.docker;
  }

  /** Removes what an earlier run of this instance left behind (it crashed before its shutdown). Call once, before serving. */
  async removeLeftovers(): Promise<number> {
    const left = await this.docker.listContainers({ all: true, filters: { label: [`${INSTANCE_LABEL}=${this.settings.instance}`] } });
    await Promise.all(left.map((c) => this.removeContainer(c.Id)));
    if (left.length)
      this.logger.warn('removed containers a previous run of this gateway instance left behind', { instance: this.settings.instance, count: left.length });
    return left.length;
  }

  /** Starts `warm` containers per competitor in the background, so the first request need not wait for one. */
  prewarm(competitors: DockerCompetitor[]): void {
    for (const c of competitors) {
      for (let i = this.poolOf(c.model).slots.size; i < this.settings.warm; i++) {
        const slot = this.startSlot(c);
        slot.ready.then(
          () => this.becameIdle(c, slot),
          (e: Error) => this.logger.warn('prewarming a competitor failed', { model: c.model, reason: e.message }),
        );
      }
    }
  }

  async acquire(competitor: Competitor, signal: AbortSignal): Promise<Lease> {
    const c = asDockerCompetitor(competitor);
    const pool = this.poolOf(c.model);
    for (;;) {
      if (this.closed) throw new RunnerError('the gateway is shutting down', 503, 'gateway_shutting_down');
      if (signal.aborted) throw new RunnerError('the client went away', 499, 'client_closed');
      const slots = [...pool.slots].filter((s) => s.state !== 'gone' && s.active < this.settings.streamsPerContainer);
      // Ready first, then one that is starting, then a new one: a container is shared before another is started.
      const slot =
        slots.find((s) => s.state === 'ready') ??
        slots.find((s) => s.state === 'starting') ??
        (pool.slots.size < this.settings.maxContainers ? this.startSlot(c) : undefined);
      if (!slot) {
        await this.waitForChange(pool, signal);
        continue;
      }
      slot.active++;
      clearTimeout(slot.idleTimer);
      try {
        await abortable(slot.ready, signal);
      } catch (e) {
        this.releaseSlot(c, slot);
        if (signal.aborted) throw new RunnerError('the client went away', 499, 'client_closed');
        throw e;
      }
      let released = false;
      return {
        baseUrl: slot.baseUrl!,
        headers: {},
        release: async (outcome) => {
          if (released) return;
          released = true;
          if (outcome === 'failed') await this.checkAfterFailure(slot);
          this.releaseSlot(c, slot);
        },
      };
    }
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const ids: string[] = [];
    for (const pool of this.pools.values()) {
      for (const slot of pool.slots) {
        clearTimeout(slot.idleTimer);
        if (slot.id) ids.push(slot.id);
        slot.state = 'gone';
      }
      for (const wake of pool.waiters) wake();
    }
    await Promise.all(ids.map((id) => this.removeContainer(id)));
    // A creation still in flight when shutdown began lands after the loop above: its label finds it.
    await this.removeLeftovers().catch((e: Error) => this.logger.warn('could not list leftover containers', { reason: e.message }));
  }

  /** Containers this runner holds now, by competitor (for specs and the bench). */
  containers(): Array<{ model: string; id?: string; state: Slot['state']; active: number }> {
    return [...this.pools].flatMap(([model, pool]) => [...pool.slots].map((s) => ({ model, id: s.id, state: s.state, active: s.active })));
  }

  private poolOf(model: string): Pool {
    let pool = this.pools.get(model);
    if (!pool) this.pools.set(model, (pool = { slots: new Set(), waiters: new Set() }));
    return pool;
  }

  private startSlot(c: DockerCompetitor): Slot {
    const pool = this.poolOf(c.model);
    const slot: Slot = {
      name: `janus-gw-${slug(this.settings.instance)}-${slug(c.model)}-${randomBytes(3).toString('hex')}`,
      active: 0,
      state: 'starting',
      ready: Promise.resolve(),
    };
    pool.slots.add(slot);
    slot.ready = this.start(c, slot).then(
      () => {
        if (slot.state === 'gone') throw new RunnerError('the gateway is shutting down', 503, 'gateway_shutting_down');
        slot.state = 'ready';
        this.notify(pool);
      },
      async (e: unknown) => {
        slot.state = 'gone';
        pool.slots.delete(slot);
        if (slot.id) await this.removeContainer(slot.id);
        this.notify(pool);
        throw e instanceof RunnerError
          ? e
          : new RunnerError(`could not start competitor ${c.model} (${c.image}): ${(e as Error).message}`, 502, 'competitor_start_failed');
      },
    );
    // Waiters attach their own handlers; this one keeps an unawaited failure from being reported as unhandled.
    slot.ready.catch(() => undefined);
    return slot;
  }

  private async start(c: DockerCompetitor, slot: Slot): Promise<void> {
    const t0 = Date.now();
    const portKey = `${c.port}/tcp`;
    const spec: Docker.ContainerCreateOptions = {
      name: slot.name,
      Image: c.image,
      Env: Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: { ...this.options.labels, [INSTANCE_LABEL]: this.settings.instance, [COMPETITOR_LABEL]: c.model },
      ExposedPorts: { [portKey]: {} },
      HostConfig: {
        Memory: this.settings.memoryBytes,
        MemorySwap: this.settings.memoryBytes,
        PidsLimit: 512,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges:true'],
        ReadonlyRootfs: c.readOnlyRoot,
        Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
        ...(this.settings.network ? { NetworkMode: this.settings.network } : { PortBindings: { [portKey]: [{ HostIp: '127.0.0.1', HostPort: '' }] } }),
      },
    };
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(spec);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      await this.pull(c.image);
      container = await this.docker.createContainer(spec);
    }
    slot.id = container.id;
    if (this.closed || slot.state === 'gone') throw new RunnerError('the gateway is shutting down', 503, 'gateway_shutting_down');
    await container.start();
    const info = await container.inspect();
    if (this.settings.network) {
      const ip = info.NetworkSettings.Networks[this.settings.network]?.IPAddress;
      if (!ip) throw new Error(`the container has no address on network ${this.settings.network}`);
      slot.baseUrl = `http://${ip}:${c.port}`;
    } else {
      const hostPort = info.NetworkSettings.Ports[portKey]?.[0]?.HostPort;
      if (!hostPort) throw new Error(`the engine published no host port for ${portKey}`);
      slot.baseUrl = `http://127.0.0.1:${hostPort}`;
    }
    const left = this.settings.readyTimeoutMs - (Date.now() - t0);
    const health = await waitForHealth(slot.baseUrl, Math.max(0, left), {
      alive: async () => {
        const state = (await container.inspect()).State;
        return state.Running ? undefined : `the container exited with code ${state.ExitCode} before /health answered`;
      },
    });
    if (!health.ok) {
      const exited = health.detail.startsWith('the container exited');
      throw new RunnerError(
        `competitor ${c.model} (${c.image}) ${exited ? 'failed to start' : 'never became ready'}: ${health.detail}; its container was removed`,
        exited ? 502 : 504,
        exited ? 'competitor_exited' : 'competitor_not_ready',
      );
    }
    this.logger.info('competitor ready', { model: c.model, container: slot.name, ms: Date.now() - t0 });
  }

  private async pull(image: string): Promise<void> {
    this.logger.info('pulling competitor image', { image });
    const stream = await this.docker.pull(image);
    await new Promise<void>((resolve, reject) => this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  }

  private releaseSlot(c: DockerCompetitor, slot: Slot): void {
    slot.active = Math.max(0, slot.active - 1);
    this.notify(this.poolOf(c.model));
    if (slot.active === 0 && slot.state === 'ready') this.becameIdle(c, slot);
  }

  private becameIdle(c: DockerCompetitor, slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      const pool = this.poolOf(c.model);
      const ready = [...pool.slots].filter((s) => s.state === 'ready').length;
      if (slot.active > 0 || slot.state !== 'ready' || ready <= this.settings.warm) return;
      this.logger.info('stopping an idle competitor', { model: c.model, container: slot.name });
      void this.retire(pool, slot);
    }, this.settings.idleTimeoutMs);
    slot.idleTimer.unref();
  }

  /**
   * After a failed request: a container whose /health no longer answers is removed; one that still answers keeps
   * serving. Asked over HTTP rather than of the engine, which may not have noticed the exit yet.
   */
  private async checkAfterFailure(slot: Slot): Promise<void> {
    if (!slot.baseUrl || slot.state === 'gone') return;
    const health = await probeHealth(slot.baseUrl, 1000);
    if (health.ok) return;
    this.logger.warn('a competitor container stopped answering; removing it', { container: slot.name, reason: health.detail });
    for (const [, pool] of this.pools) if (pool.slots.has(slot)) await this.retire(pool, slot);
  }

  private async retire(pool: Pool, slot: Slot): Promise<void> {
    slot.state = 'gone';
    clearTimeout(slot.idleTimer);
    pool.slots.delete(slot);
    this.notify(pool);
    if (slot.id) await this.removeContainer(slot.id);
  }

  private async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      // 404: already gone; 409: removal already in progress.
      if (status !== 404 && status !== 409)
        this.logger.warn('could not remove a competitor container', { container: id.slice(0, 12), reason: (e as Error).message });
    }
  }

  private notify(pool: Pool): void {
    const waiters = [...pool.waiters];
    pool.waiters.clear();
    for (const wake of waiters) wake();
  }

  private waitForChange(pool: Pool, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        signal.removeEventListener('abort', wake);
        pool.waiters.delete(wake);
        resolve();
      };
      pool.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}

function asDockerCompetitor(c: Competitor): DockerCompetitor {
  if (!c.image) throw new RunnerError(`competitor ${c.model} has no image`, 500, 'competitor_misconfigured');
  const extra = c as Partial<DockerCompetitor>;
  return { ...c, image: c.image, port: extra.port ?? 8080, readOnlyRoot: extra.readOnlyRoot ?? true };
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
