import type { StartedContainer } from '../../engine/container-runner';
import { retryUntil } from '../../engine/retry-until';
import type { BaselineCheck } from '../check';

export interface Readiness {
  ok: boolean;
  readyMs: number;
  detail?: string;
}

/** What one look at a starting container saw: /health's answer, or that it has exited. */
type Look = { ready: true } | { ready: false; last: string; exitCode?: number };

/** Between looks: /health is a loopback request, and readiness is a figure the report gives in milliseconds. */
const READY_POLL_MS = 100;

/**
 * Polls GET /health until it answers 200. Gives up at the deadline with the last log lines, or at once
 * when the container exits (with its exit code), so a broken image fails fast instead of hanging.
 */
export async function waitUntilReady(container: StartedContainer, timeoutS: number): Promise<Readiness> {
  const waited = await retryUntil<Look>(
    async () => {
      let last: string;
      try {
        const res = await fetch(`${container.url}/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return { done: true, value: { ready: true } };
        last = `HTTP ${res.status}`;
      } catch (e) {
        last = (e as Error).message;
      }
      const state = (await container.inspect()).State;
      return state.Running ? { done: false, value: { ready: false, last } } : { done: true, value: { ready: false, last, exitCode: state.ExitCode } };
    },
    { timeoutMs: timeoutS * 1000, intervalMs: READY_POLL_MS },
  );
  const look = waited.value;
  if (look.ready) return { ok: true, readyMs: waited.elapsedMs };
  const detail =
    look.exitCode !== undefined
      ? `the container exited with code ${look.exitCode} before /health answered\n${await container.logs(50)}`
      : `/health did not answer 200 within ${timeoutS} s (last: ${look.last})\n--- last 50 log lines ---\n${await container.logs(50)}`;
  return { ok: false, readyMs: waited.elapsedMs, detail };
}

export const readiness: BaselineCheck = {
  id: 'readiness',
  title: 'GET /health answers 200',
  kind: 'baseline',
  needs: [],
  async run(t) {
    const r = await waitUntilReady(t.container, t.limits.readyTimeoutS);
    const hint = r.ok ? undefined : portHint(t.limits.port, Object.keys(t.imageInfo.Config.ExposedPorts ?? {}));
    return { ok: r.ok, figure: `${r.readyMs} ms`, detail: hint ? `${hint}\n${r.detail}` : r.detail };
  },
};

/** When the port checked is not one the image EXPOSEs: the likely cause of a server that never answered, and the fix. */
export function portHint(port: number, exposed: string[]): string | undefined {
  const tcp = exposed.filter((p) => p.endsWith('/tcp')).map((p) => Number(p.slice(0, -4)));
  if (!tcp.length || tcp.includes(port)) return undefined;
  return `the contract checked port ${port} ('port'), but the image EXPOSEs ${tcp.join(', ')}: run it with --port=${tcp[0]}`;
}
