/** What an interrupted run still has to undo: a description for the log, and the undo itself. */
interface PendingUndo {
  what: string;
  undo: () => Promise<unknown>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Ctrl-C, a kill or a closed terminal during a run: undo what the run made so far, say what was stopped and
 * what was removed, then exit 130. A run registers each thing it makes (a container scope, a local tag) while
 * it exists and drops it once it is gone again.
 *
 * The handlers stay installed until the process exits. Ctrl-C in a terminal signals every process of the
 * group, and Nx then also sends its task processes SIGTERM: with `once` handlers the second signal took the
 * default action and killed the process mid-cleanup, which left containers running although the log said
 * they were being removed.
 */
export class InterruptGuard {
  private readonly pending = new Set<PendingUndo>();
  private interrupted: Promise<void> | undefined;
  /** What the run is doing now, named in the "stopped" line. */
  private step = 'starting';
  private readonly handler = (sig: NodeJS.Signals) => this.onSignal(sig);

  constructor(
    private readonly subject: string,
    private readonly log: { warn(message: string): void; error(message: string): void },
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {
    for (const s of SIGNALS) process.on(s, this.handler);
  }

  /** Registers something to undo on interrupt; call the returned function once it is undone or kept on purpose. */
  track(what: string, undo: () => Promise<unknown>): () => void {
    const entry = { what, undo };
    this.pending.add(entry);
    return () => this.pending.delete(entry);
  }

  /** Names the step now under way, so an interrupt can say what it stopped. */
  doing(step: string): void {
    this.step = step;
  }

  get wasInterrupted(): boolean {
    return this.interrupted !== undefined;
  }

  private onSignal(sig: NodeJS.Signals): void {
    if (this.interrupted) {
      this.log.warn(`${this.subject}: ${sig} again; still cleaning up, then exiting`);
      return;
    }
    const undoing = [...this.pending];
    this.log.warn(`${this.subject}: ${sig}: stopped while ${this.step}${undoing.length ? `; ${undoing.map((u) => u.what).join('; ')}` : ''}`);
    this.interrupted = Promise.allSettled(undoing.map((u) => u.undo())).then((results) => {
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${undoing[i].what}: ${(r.reason as Error)?.message ?? r.reason}`] : []));
      if (failed.length) this.log.error(`${this.subject}: could not undo ${failed.join('; ')}`);
      else this.log.warn(`${this.subject}: cancelled${undoing.length ? `; done: ${undoing.map((u) => u.what).join('; ')}` : ''}`);
      this.exit(130);
    });
  }

  /** At the end of the run: an interrupted run waits here for its cleanup (and exit); otherwise the handlers go. */
  async dispose(): Promise<void> {
    if (this.interrupted) return this.interrupted;
    for (const s of SIGNALS) process.off(s, this.handler);
  }
}
