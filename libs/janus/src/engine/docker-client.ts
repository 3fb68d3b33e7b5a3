import Docker from 'dockerode';

let client: Docker | undefined;

/** The Engine API client, talking to DOCKER_HOST or the default socket. */
export function dockerClient(): Docker {
  client ??= new Docker();
  return client;
}

/** Fails with instructions instead of an ECONNREFUSED stack when no engine answers. */
export async function assertEngineRunning(docker = dockerClient()): Promise<void> {
  try {
    await docker.ping();
  } catch (e) {
    throw new Error(
      `janus: the Docker engine is not reachable (${(e as Error).message}). ` +
        `Start it with 'npm run bootstrap' (Debian, as root) or 'dockerd &', or point DOCKER_HOST at a running engine.`,
    );
  }
}
