import Docker from 'dockerode';

let client: Docker | undefined;

/** The Engine API client, talking to DOCKER_HOST or the default socket. */
export function dockerClient(): Docker {
  client ??= new Docker();
  return client;
}

function engineAddress(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/** Says "the engine is not reachable" in words, with what to do, instead of a raw `connect ENOENT`. */
export function engineUnreachable(e: unknown, doing?: string): Error {
  return new Error(
    `janus: the Docker engine at ${engineAddress()} is not reachable${doing ? ` while ${doing}` : ''} (${(e as Error).message}). ` +
      `Start it with 'npm run bootstrap' (Debian, as root) or 'dockerd &', or point DOCKER_HOST at a running engine.`,
  );
}

/** Fails with instructions instead of an ECONNREFUSED stack when no engine answers. */
export async function assertEngineRunning(docker = dockerClient()): Promise<void> {
  try {
    await docker.ping();
  } catch (e) {
    throw engineUnreachable(e);
  }
}

const GONE = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/**
 * An executor's failure in words: an engine that went away mid-run (dockerd stopped or crashed: `connect
 * ENOENT /var/run/docker.sock`) is named as such, with what to do, rather than as a raw socket error.
 */
export function describeFailure(e: unknown): string {
  const err = e as { code?: string; message?: string; address?: string };
  const aboutEngine = /docker\.sock|dockerd|:2375|:2376/.test(`${err.message ?? ''} ${err.address ?? ''}`);
  if (GONE.has(err.code ?? '') && aboutEngine) return engineUnreachable(e).message;
  return err.message ?? String(e);
}
