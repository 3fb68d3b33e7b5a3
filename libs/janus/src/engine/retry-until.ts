/** One attempt's answer: `done` ends the wait (ready, or failed for good); `value` is what was seen. */
export interface Attempt<T> {
  done: boolean;
  value: T;
}

export interface RetryOptions {
  /** How long to keep trying, from the first attempt. */
  timeoutMs: number;
  /** Pause between attempts (never past the deadline). */
  intervalMs: number;
  /** Stops the wait at once, between attempts or during a pause. */
  signal?: AbortSignal;
}

export interface RetryResult<T> {
  /** Whether an attempt said done; false when the time ran out or the signal aborted. */
  done: boolean;
  /** What the last attempt saw. */
  value: T;
  /** Whether the signal stopped it. */
  aborted: boolean;
  elapsedMs: number;
  attempts: number;
}

/**
 * The one wait of the plugin: tries `attempt` (always at least once) until it says done, the time is up or
 * `signal` aborts, pausing `intervalMs` between attempts. Every readiness, health and service wait is an
 * `attempt` for this, so deadlines, pauses and aborts behave the same everywhere. `attempt` gets the time
 * left, to bound its own request by it.
 */
export async function retryUntil<T>(attempt: (leftMs: number, n: number) => Promise<Attempt<T>>, options: RetryOptions): Promise<RetryResult<T>> {
  const t0 = Date.now();
  const elapsed = () => Date.now() - t0;
  for (let n = 0; ; n++) {
    const { done, value } = await attempt(Math.max(0, options.timeoutMs - elapsed()), n);
    const end = (aborted: boolean) => ({ done, value, aborted, elapsedMs: elapsed(), attempts: n + 1 });
    if (done) return end(false);
    if (options.signal?.aborted) return end(true);
    const left = options.timeoutMs - elapsed();
    if (left <= 0) return end(false);
    await pause(Math.min(options.intervalMs, left), options.signal);
    if (options.signal?.aborted) return end(true);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
