import type Docker from 'dockerode';
import { DockerodeEngineApi } from './dockerode-engine-api';
import { type EngineApi, localEngineSocket } from './engine-api';
import { SocketEngineApi } from './socket-engine-api';
import { UserError } from '../errors/user-error';

let client: Docker | undefined;

/**
 * dockerode, talking to DOCKER_HOST or the default socket: for streams (push, pull, save) and containers.
 * Loaded on first use, since a build that only pings, inspects and tags never needs it (see EngineApi).
 */
export function dockerClient(): Docker {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  client ??= new (require('dockerode') as typeof Docker)();
  return client;
}

let api: EngineApi | undefined;

/** The Engine API's plain calls: straight over a local socket, through dockerode for any other DOCKER_HOST. */
export function engineApi(): EngineApi {
  if (!api) {
    const socket = localEngineSocket();
    api = socket ? new SocketEngineApi(socket) : new DockerodeEngineApi(dockerClient());
  }
  return api;
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
export async function assertEngineRunning(engine: EngineApi = engineApi()): Promise<void> {
  try {
    await engine.ping();
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
