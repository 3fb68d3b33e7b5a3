import type { StartedContainer } from '../../engine/container-runner';
import type { BaselineCheck, CheckOutcome } from '../check';

/** Waits for the engine's own verdict on the image's HEALTHCHECK: `healthy`, within `timeoutS`. */
export async function waitUntilHealthy(container: StartedContainer, timeoutS: number): Promise<CheckOutcome> {
  const t0 = Date.now();
  let status = 'none';
  while (Date.now() - t0 < timeoutS * 1000) {
    const state = (await container.inspect()).State as { Health?: { Status: string; Log?: Array<{ Output: string }> } };
    status = state.Health?.Status ?? 'none';
    if (status === 'healthy') return { ok: true, figure: `${((Date.now() - t0) / 1000).toFixed(1)} s after ready` };
    if (status === 'none') return { ok: false, figure: 'no healthcheck', detail: 'the container reports no health status' };
    if (status === 'unhealthy') return { ok: false, figure: 'unhealthy', detail: state.Health?.Log?.at(-1)?.Output?.trim() };
    await new Promise((r) => setTimeout(r, 200));
  }
  return { ok: false, figure: `${status} after ${timeoutS} s`, detail: `the container was still ${status} ${timeoutS} s after /health answered` };
}

export const healthStatus: BaselineCheck = {
  id: 'health-status',
  title: 'HEALTHCHECK turns healthy',
  kind: 'baseline',
  needs: ['readiness'],
  async run(t) {
    if (!t.healthcheck) return { ok: false, figure: 'no HEALTHCHECK', detail: 'the image declares no HEALTHCHECK' };
    return waitUntilHealthy(t.container, t.limits.healthyTimeoutS);
  },
};
