import type { StartedContainer } from '../../engine/container-runner';
import type { BaselineCheck } from '../check';

export interface Readiness {
  ok: boolean;
  readyMs: number;
  detail?: string;
}

/**
 * Polls GET /health until it answers 200. Gives up at the deadline with the last log lines, or at once
 * when the container exits (with its exit code), so a broken image fails fast instead of hanging.
 */
export async function waitUntilReady(container: StartedContainer, timeoutS: number): Promise<Readiness> {
  const t0 = Date.now();
  let last = 'no answer';
  while (Date.now() - t0 < timeoutS * 1000) {
    try {
      const res = await fetch(`${container.url}/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return { ok: true, readyMs: Date.now() - t0 };
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    const state = (await container.inspect()).State;
    if (!state.Running) {
      return {
        ok: false,
        readyMs: Date.now() - t0,
        detail: `the container exited with code ${state.ExitCode} before /health answered\n${await container.logs(50)}`,
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    ok: false,
    readyMs: Date.now() - t0,
    detail: `/health did not answer 200 within ${timeoutS} s (last: ${last})\n--- last 50 log lines ---\n${await container.logs(50)}`,
  };
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
