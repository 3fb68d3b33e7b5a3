import type Docker from 'dockerode';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ContainerEngine } from './container-engine';
import { DockerEngine } from './docker-engine';
import type { EngineApi } from './engine-api';
import { chooseEngine, type EngineTarget, podmanStartHint } from './engine-choice';
import { UserError } from '../errors/user-error';

let selected: EngineTarget | undefined;
let engine: DockerEngine | undefined;

/** The engine this process talks to: the one an executor chose (useEngine), else JANUS_ENGINE or what runs here. */
export function currentEngine(): EngineTarget {
  // Not kept: until an executor chooses, the environment decides afresh (a few stat calls).
  return selected ?? chooseEngine();
}

/** Points every later engine call of this process at `target` (Docker's or Podman's socket). */
export function useEngine(target: EngineTarget): void {
  const now = selected;
  if (now && now.kind === target.kind && now.socketPath === target.socketPath) return;
  selected = target;
  engine = undefined;
}

/** The environment for a CLI child (compose) that must reach the same engine as this process. */
export function engineEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { kind, socketPath } = currentEngine();
  return kind === 'podman' && socketPath ? { ...env, DOCKER_HOST: `unix://${socketPath}` } : env;
}

/** The chosen engine (Docker's socket, Podman's, or DOCKER_HOST) behind the ContainerEngine door; one per process. */
export function containerEngine(): ContainerEngine {
  return defaultEngine();
}

function defaultEngine(): DockerEngine {
  engine ??= new DockerEngine(currentEngine().socketPath);
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
  const { socketPath } = currentEngine();
  return socketPath ? `unix://${socketPath}` : (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
}

function onPath(bin: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Says "the engine is not reachable" in words, with what to do, instead of a raw `connect ENOENT`. */
export function engineUnreachable(e: unknown, doing?: string): Error {
  const chosen = currentEngine();
  if (chosen.kind === 'podman') {
    const why = `${doing ? ` while ${doing}` : ''} (${chosen.chosenBy} chose Podman)`;
    if (!onPath('podman'))
      return new UserError(
        `janus: Podman is not installed${why}: install it ('apt-get install podman', or 'JANUS_ENGINE=podman npm run bootstrap' here), or choose Docker (JANUS_ENGINE=docker).`,
      );
    return new UserError(`janus: Podman's API socket at ${chosen.socketPath} is not answering${why}: ${podmanStartHint(chosen.socketPath!)}.`);
  }
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
  // DOCKER_HOST may name any socket (rootless, a proxy, Podman's): its path is the engine's too.
  const socket = currentEngine().socketPath;
  const aboutEngine = /docker\.sock|dockerd|:2375|:2376/.test(text) || (socket !== undefined && text.includes(socket));
  if (isEngineGone(e) && aboutEngine) return engineUnreachable(e).message;
  return err.message ?? String(e);
}
