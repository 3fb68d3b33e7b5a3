import { request } from 'node:http';

export interface HealthResult {
  ok: boolean;
  detail: string;
}

/** One GET /health with a deadline: ok on 200; otherwise what happened, for the error the client gets. */
export function probeHealth(baseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<HealthResult> {
  return new Promise((resolve) => {
    const req = request(`${baseUrl}/health`, { method: 'GET', timeout: timeoutMs, signal }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve(res.statusCode === 200 ? { ok: true, detail: 'HTTP 200' } : { ok: false, detail: `/health answered HTTP ${res.statusCode}` }),
      );
      res.on('error', (e) => resolve({ ok: false, detail: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`/health did not answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ ok: false, detail: e.message }));
    req.end();
  });
}

/** Polls /health until it answers 200, the deadline passes, `alive()` says the process is gone, or `signal` aborts. */
export async function waitForHealth(
  baseUrl: string,
  deadlineMs: number,
  options: { signal?: AbortSignal; alive?: () => Promise<string | undefined>; intervalMs?: number } = {},
): Promise<HealthResult & { elapsedMs: number }> {
  const t0 = Date.now();
  let last = 'no answer yet';
  let polls = 0;
  while (Date.now() - t0 < deadlineMs) {
    if (options.signal?.aborted) return { ok: false, detail: 'the client went away', elapsedMs: Date.now() - t0 };
    const left = deadlineMs - (Date.now() - t0);
    const r = await probeHealth(baseUrl, Math.max(50, Math.min(2000, left)), options.signal);
    if (r.ok) return { ...r, elapsedMs: Date.now() - t0 };
    last = r.detail;
    // Asking the engine on every poll would cost more than the poll; every tenth is enough to notice an exit.
    if (options.alive && ++polls % 10 === 0) {
      const gone = await options.alive();
      if (gone) return { ok: false, detail: gone, elapsedMs: Date.now() - t0 };
    }
    await new Promise((r) => setTimeout(r, Math.min(options.intervalMs ?? 50, Math.max(0, deadlineMs - (Date.now() - t0)))));
  }
  return { ok: false, detail: `not ready within ${Math.round(deadlineMs / 1000)} s (last: ${last})`, elapsedMs: Date.now() - t0 };
}
