import type Docker from 'dockerode';
import type { ContainerEngine } from './container-engine';
import { DockerEngine } from './docker-engine';
import { type EngineApi, localEngineSocket } from './engine-api';
import { UserError } from '../errors/user-error';

let engine: DockerEngine | undefined;

/** The engine DOCKER_HOST (or the default socket) names, behind the ContainerEngine door; one per process. */
export function containerEngine(): ContainerEngine {
  return defaultEngine();
}

function defaultEngine(): DockerEngine {
  engine ??= new DockerEngine();
  return engine;
}

/** dockerode for the default engine, for engine/ internals (image loads) and specs that check the engine's own view. */
export function dockerClient(): Docker {
  return defaultEngine().docker();
}

/** The Engine API's plain calls: straight over a local socket, through dockerode for any other DOCKER_HOST. */
export function engineApi(): EngineApi {
  return defaultEngine().api();
}

const GONE = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/** Whether an error means the engine itself is not there (stopped, crashed, wrong socket), not a refusal. */
export function isEngineGone(e: unknown): boolean {
  return GONE.has((e as { code?: string })?.code ?? '');
}

function engineAddress(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/** Says "the engine is not reachable" in words, with what to do, instead of a raw `connect ENOENT`. */
export function engineUnreachable(e: unknown, doing?: string): Error {
  return new UserError(
    `janus: the Docker engine at ${engineAddress()} is not reachable${doing ? ` while ${doing}` : ''} (${(e as Error).message}). ` +
      `Start Docker (Docker Desktop, or 'sudo systemctl start docker') or Podman's Docker-compatible socket ('systemctl --user start podman.socket'), ` +
      `or point DOCKER_HOST at the socket of one that runs (e.g. unix:///run/user/$UID/podman/podman.sock).`,
  );
}

/** Fails with instructions instead of an ECONNREFUSED stack when no engine answers. */
export async function assertEngineRunning(target: Pick<ContainerEngine, 'ping'> = containerEngine()): Promise<void> {
  try {
    await target.ping();
  } catch (e) {
    throw engineUnreachable(e);
  }
}

/**
 * An executor's failure in words: an engine that went away mid-run (dockerd stopped or crashed: `connect
 * ENOENT /var/run/docker.sock`) is named as such, with what to do, rather than as a raw socket error.
 */
export function describeFailure(e: unknown): string {
  const err = e as { code?: string; message?: string; address?: string };
  const text = `${err.message ?? ''} ${err.address ?? ''}`;
  // DOCKER_HOST may name any socket (rootless, a proxy): its path is the engine's too.
  const socket = localEngineSocket();
  const aboutEngine = /docker\.sock|dockerd|:2375|:2376/.test(text) || (socket !== undefined && text.includes(socket));
  if (isEngineGone(e) && aboutEngine) return engineUnreachable(e).message;
  return err.message ?? String(e);
}
