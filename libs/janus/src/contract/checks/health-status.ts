import type { StartedContainer } from '../../engine/container-runner';
import { retryUntil } from '../../engine/retry-until';
import type { BaselineCheck, CheckOutcome } from '../check';

/** Between looks at the engine's health verdict: the engine itself only re-checks at the HEALTHCHECK's interval. */
const HEALTH_POLL_MS = 200;

/** Waits for the engine's own verdict on the image's HEALTHCHECK: `healthy`, within `timeoutS`. */
export async function waitUntilHealthy(container: StartedContainer, timeoutS: number): Promise<CheckOutcome> {
  const waited = await retryUntil(
    async () => {
      const health = (await container.inspect()).State.Health;
      const status = health?.Status ?? 'none';
      return { done: ['healthy', 'none', 'unhealthy'].includes(status), value: { status, lastOutput: health?.Log?.at(-1)?.Output?.trim() } };
    },
    { timeoutMs: timeoutS * 1000, intervalMs: HEALTH_POLL_MS },
  );
  const { status, lastOutput } = waited.value;
  if (status === 'healthy') return { ok: true, figure: `${(waited.elapsedMs / 1000).toFixed(1)} s after ready` };
  if (status === 'none') return { ok: false, figure: 'no healthcheck', detail: 'the container reports no health status' };
  if (status === 'unhealthy') return { ok: false, figure: 'unhealthy', detail: lastOutput };
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
