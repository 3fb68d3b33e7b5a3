import { type Competitor, type CompetitorRunner, type Lease, RunnerError } from '../competitor-runner';
import { cancelled, HttpSandyClient, type SandyClient } from './sandy-client';
import type { SandyConfig } from './sandy-config';
import { shellCommand } from './shell-quote';

// The distribution spec's reference grammar ([host[:port]/]path[:tag][@digest]); it also keeps a reference
// from ever reading as a docker flag. Same grammar as the plugin's imageReference, which a shipped gateway
// cannot import.
const IMAGE_REFERENCE =
  /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The container's name inside its sandbox: one competitor per sandbox, so a fixed name is enough. */
const CONTAINER = 'competitor';

/** The gateway's structured logger fits this; the runner never hands it a secret, an env or a header. */
export interface RunnerLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface SandyRunnerOptions {
  /** Defaults to the Sandy API over HTTP; tests put a fake here. */
  client?: SandyClient;
  /** Sandbox lifecycle (created, ready, terminated) and failed clean-ups. Defaults to JSON lines on stderr. */
  logger?: RunnerLogger;
}

/** One sandbox running one competitor, shared by the leases on it. */
interface Sandbox {
  readonly key: string;
  readonly model: string;
  id?: string;
  ready: Promise<void>;
  readonly starting: AbortController;
  leases: number;
  /** The competitor answered /health. */
  up: boolean;
  /** A lease failed on it, or it failed to start: no new leases; terminated once the last is given back. */
  retired: boolean;
  idleTimer?: NodeJS.Timeout;
  terminated?: Promise<void>;
}

/**
 * Runs each competitor in its own Sandy sandbox (spec 54, FR-6): create the sandbox, pull and run the image
 * in it through exec, poll /health through exec, then hand out leases on the sandbox's proxy path. A sandbox
 * is reused by later requests for the same competitor until a lease reports it failed or it sits idle, and
 * is terminated on every failure after its creation.
 */
export class SandyRunner implements CompetitorRunner {
  readonly kind = 'sandy' as const;
  private readonly client: SandyClient;
  private readonly logger: RunnerLogger;
  private readonly current = new Map<string, Sandbox>();
  private readonly all = new Set<Sandbox>();
  private closing?: Promise<void>;

  constructor(
    private readonly config: SandyConfig,
    options: SandyRunnerOptions = {},
  ) {
    this.client = options.client ?? new HttpSandyClient(config);
    this.logger = options.logger ?? stderrLogger;
  }

  async acquire(competitor: Competitor, signal: AbortSignal): Promise<Lease> {
    if (this.closing) throw new RunnerError('the Sandy runner is shutting down', 503, 'runner_closed');
    if (signal.aborted) throw cancelled(`asking for competitor ${competitor.model}`);
    const key = checkCompetitor(competitor);
    let sandbox = this.current.get(key);
    if (!sandbox || sandbox.retired) {
      sandbox = this.start(key, competitor);
      this.current.set(key, sandbox);
    }
    sandbox.leases++;
    clearTimeout(sandbox.idleTimer);
    try {
      await untilAborted(sandbox.ready, signal, () => cancelled(`starting competitor ${competitor.model}`));
    } catch (e) {
      sandbox.leases--;
      // Nobody waits for a sandbox that is still starting: stop paying for it (the start's failure path
      // terminates it).
      if (sandbox.leases === 0 && !sandbox.up && !sandbox.retired) sandbox.starting.abort();
      else void this.settle(sandbox);
      throw e;
    }
    return this.lease(sandbox);
  }

  shutdown(): Promise<void> {
    this.closing ??= (async () => {
      for (const sandbox of this.all) sandbox.starting.abort();
      await Promise.allSettled([...this.all].map((s) => s.ready));
      const results = await Promise.allSettled([...this.all].map((s) => this.terminate(s)));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length)
        throw new Error(`the Sandy runner could not terminate ${failed.length} sandbox(es): ${failed.map((r) => (r.reason as Error).message).join('; ')}`);
    })();
    return this.closing;
  }

  private start(key: string, competitor: Competitor): Sandbox {
    const sandbox: Sandbox = { key, model: competitor.model, ready: Promise.resolve(), starting: new AbortController(), leases: 0, up: false, retired: false };
    this.all.add(sandbox);
    sandbox.ready = this.bringUp(sandbox, competitor).catch(async (e: unknown) => {
      sandbox.retired = true;
      if (this.current.get(key) === sandbox) this.current.delete(key);
      // The failure the client sees is the start's; a failed clean-up is logged and retried by shutdown().
      await this.terminate(sandbox).catch((t: unknown) => this.warnCleanup(sandbox, t));
      if (this.closing) throw new RunnerError(`the Sandy runner shut down while starting competitor ${competitor.model}`, 503, 'runner_closed');
      throw e;
    });
    // Waiters get the rejection; this keeps a start nobody waits for any more from being "unhandled".
    sandbox.ready.catch(() => undefined);
    return sandbox;
  }

  private async bringUp(sandbox: Sandbox, competitor: Competitor): Promise<void> {
    const { signal } = sandbox.starting;
    const image = competitor.image!;
    const env = competitor.env ?? {};
    sandbox.id = await this.client.createSandbox({ image: this.config.sandboxImage, resources: this.config.resources, env }, signal);
    this.logger.info('sandbox created', { sandbox: sandbox.id, model: competitor.model });
    // The container gets each variable by name only: its value comes from the sandbox's environment, so no
    // secret is ever part of a command line (which Sandy may log).
    const port = String(this.config.competitorPort);
    const envFlags = Object.keys(env).flatMap((name) => ['-e', name]);
    const started = await this.client.exec(
      sandbox.id,
      `${shellCommand('docker', 'pull', '--', image)} && ${shellCommand('docker', 'run', '-d', '--name', CONTAINER, '-p', `${port}:${port}`, ...envFlags, '--', image)}`,
      signal,
    );
    if (started.exitCode !== 0)
      throw new RunnerError(
        `competitor ${competitor.model}: pulling and starting ${image} in sandbox ${sandbox.id} failed (exit ${started.exitCode})${tail(started.stderr || started.stdout)}`,
        502,
        'competitor_start_failed',
      );
    await this.waitHealthy(sandbox, competitor.model);
    sandbox.up = true;
    this.logger.info('competitor ready in its sandbox', { sandbox: sandbox.id, model: competitor.model });
  }

  private async waitHealthy(sandbox: Sandbox, model: string): Promise<void> {
    const ms = this.config.readyTimeoutMs;
    const deadline = AbortSignal.timeout(ms);
    const signal = AbortSignal.any([sandbox.starting.signal, deadline]);
    const probe = shellCommand('curl', '-fsS', '--max-time', '2', `http://127.0.0.1:${this.config.competitorPort}/health`);
    const notReady = () => new RunnerError(`competitor ${model} did not answer /health within ${ms} ms in sandbox ${sandbox.id}`, 504, 'competitor_not_ready');
    for (;;) {
      let exitCode: number;
      try {
        ({ exitCode } = await this.client.exec(sandbox.id!, probe, signal));
      } catch (e) {
        // A probe cut short by the deadline is the competitor's lateness, not a Sandy fault.
        if (deadline.aborted && !sandbox.starting.signal.aborted) throw notReady();
        throw e;
      }
      if (exitCode === 0) return;
      // 127: the shell found no curl; waiting would only turn a broken sandbox image into a timeout.
      if (exitCode === 127)
        throw new RunnerError(`sandbox ${sandbox.id} has no curl to probe competitor ${model}'s /health with`, 502, 'sandy_sandbox_unusable');
      try {
        await sleep(this.config.healthIntervalMs, signal);
      } catch {
        if (sandbox.starting.signal.aborted) throw cancelled(`waiting for competitor ${model}`);
        throw notReady();
      }
    }
  }

  private lease(sandbox: Sandbox): Lease {
    const { baseUrl, headers } = this.client.proxy(sandbox.id!, this.config.competitorPort);
    let released = false;
    return {
      baseUrl,
      headers,
      release: async (outcome) => {
        if (released) return;
        released = true;
        sandbox.leases--;
        if (outcome === 'failed' && !sandbox.retired) {
          sandbox.retired = true;
          if (this.current.get(sandbox.key) === sandbox) this.current.delete(sandbox.key);
        }
        await this.settle(sandbox);
      },
    };
  }

  /** After a lease or a waiter leaves: terminate a retired sandbox nobody holds, or start its idle clock. */
  private async settle(sandbox: Sandbox): Promise<void> {
    if (sandbox.leases > 0 || this.closing) return;
    if (sandbox.retired) {
      await this.terminate(sandbox).catch((e: unknown) => this.warnCleanup(sandbox, e));
      return;
    }
    clearTimeout(sandbox.idleTimer);
    sandbox.idleTimer = setTimeout(() => {
      if (sandbox.leases > 0) return;
      sandbox.retired = true;
      if (this.current.get(sandbox.key) === sandbox) this.current.delete(sandbox.key);
      void this.terminate(sandbox).catch((e: unknown) => this.warnCleanup(sandbox, e));
    }, this.config.idleTimeoutMs);
    // An idle sandbox must not keep the gateway's process alive; shutdown() terminates it.
    sandbox.idleTimer.unref();
  }

  private warnCleanup(sandbox: Sandbox, e: unknown): void {
    this.logger.warn('sandbox could not be terminated (shutdown retries)', { sandbox: sandbox.id, model: sandbox.model, error: (e as Error).message });
  }

  /** Once per sandbox; a failed attempt may be retried (by shutdown). */
  private terminate(sandbox: Sandbox): Promise<void> {
    clearTimeout(sandbox.idleTimer);
    if (!sandbox.id) {
      this.all.delete(sandbox);
      return Promise.resolve();
    }
    const id = sandbox.id;
    sandbox.terminated ??= this.client.terminate(id).then(
      () => {
        this.all.delete(sandbox);
        this.logger.info('sandbox terminated', { sandbox: id });
      },
      (e: unknown) => {
        sandbox.terminated = undefined;
        throw e;
      },
    );
    return sandbox.terminated;
  }
}

/** Checks what only configuration can get wrong, and gives the key sandboxes are shared by. */
function checkCompetitor(competitor: Competitor): string {
  const problems: string[] = [];
  if (!competitor.image) problems.push(`'image' = (missing): the Sandy runner needs an image reference to run`);
  else if (!IMAGE_REFERENCE.test(competitor.image))
    problems.push(`'image' = ${JSON.stringify(competitor.image)}: must be an image reference like "registry.example.com/team/agent:1.0"`);
  for (const name of Object.keys(competitor.env ?? {}))
    if (!ENV_NAME.test(name))
      problems.push(`'env' key ${JSON.stringify(name)}: must be a variable name (letters, digits, underscores; not starting with a digit)`);
  if (problems.length) throw new RunnerError(`competitor ${competitor.model} is misconfigured: ${problems.join('; ')}`, 500, 'competitor_misconfigured');
  const env = Object.entries(competitor.env ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([competitor.model, competitor.image, env]);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, reason: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function tail(output: string): string {
  const lines = output.trimEnd().split('\n').slice(-5).join(' | ').slice(-500);
  return lines ? `: ${lines}` : '';
}

const stderrLogger: RunnerLogger = {
  info: (msg, fields) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', runner: 'sandy', msg, ...fields })}\n`),
  warn: (msg, fields) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'warn', runner: 'sandy', msg, ...fields })}\n`),
};
