import type { ContainerEngine } from '../engine/container-engine';
import { containerEngine } from '../engine/docker-client';
import { retryUntil } from '../engine/retry-until';
import { COMPOSE_SERVICE_LABEL } from './workspace-containers';

export interface ServiceState {
  service: string;
  container: string;
  /** running+healthy, or running without a healthcheck: ready. */
  status: 'ready' | 'starting' | 'unhealthy' | 'exited';
  detail: string;
  /** Published loopback addresses, e.g. http://127.0.0.1:8000. */
  urls: string[];
}

async function stateOf(engine: ContainerEngine, id: string): Promise<ServiceState> {
  const info = await engine.containers.inspect(id);
  const service = info.Config.Labels?.[COMPOSE_SERVICE_LABEL] ?? info.Name.replace(/^\//, '');
  const urls = Object.values(info.NetworkSettings.Ports ?? {})
    .flatMap((b) => b ?? [])
    .map((b) => `http://${b.HostIp === '0.0.0.0' || !b.HostIp ? '127.0.0.1' : b.HostIp}:${b.HostPort}`);
  const base = { service, container: info.Name.replace(/^\//, ''), urls };
  if (!info.State.Running) return { ...base, status: 'exited', detail: `exited with code ${info.State.ExitCode}` };
  const health = info.State.Health?.Status;
  if (!health || health === 'none' || health === 'healthy') return { ...base, status: 'ready', detail: health ?? 'running (no healthcheck)' };
  if (health === 'unhealthy') {
    const last = info.State.Health?.Log?.at(-1);
    return { ...base, status: 'unhealthy', detail: `unhealthy${last ? ` (last check: exit ${last.ExitCode}, ${last.Output.trim().slice(0, 200)})` : ''}` };
  }
  return { ...base, status: 'starting', detail: health };
}

/**
 * Waits until every container is ready, or one has exited or turned unhealthy, or the time is up; answers
 * the states as last seen. Polls the engine: compose v1 has no `up --wait`.
 */
export async function waitForServices(
  ids: string[],
  timeoutMs: number,
  signal?: AbortSignal,
  engine: ContainerEngine = containerEngine(),
): Promise<ServiceState[]> {
  const waited = await retryUntil(
    async () => {
      const states = await Promise.all(ids.map((id) => stateOf(engine, id)));
      const done = states.every((s) => s.status === 'ready') || states.some((s) => s.status === 'exited' || s.status === 'unhealthy');
      return { done, value: states };
    },
    { timeoutMs, intervalMs: SERVICE_POLL_MS, signal },
  );
  return waited.value;
}

/** Between looks at the engine: an inspect per service is cheap, and compose users watch the wait. */
const SERVICE_POLL_MS = 250;
