import { existsSync } from 'node:fs';
import { runCommand } from '../process/run-command';

export interface DockerCli {
  bin: string;
  /** true: `docker buildx build`; false: the classic `docker build` with DOCKER_BUILDKIT=1. */
  buildx: boolean;
}

const cached = new Map<string, Promise<DockerCli>>();

/**
 * Finds a docker client that builds with BuildKit. A client with the buildx plugin is preferred; without it,
 * newer clients (23+) fall back to the legacy builder, so the classic client (20.10, e.g. /usr/bin/docker on
 * Debian 12) with DOCKER_BUILDKIT=1 is the next best.
 */
export function resolveDockerCli(env: NodeJS.ProcessEnv = process.env): Promise<DockerCli> {
  const override = env.JANUS_DOCKER_CLI ?? '';
  let found = cached.get(override);
  if (found) return found;
  found = (async () => {
    if (override) return { bin: override, buildx: await hasBuildx(override) };
    if (await hasBuildx('docker')) return { bin: 'docker', buildx: true };
    if (existsSync('/usr/bin/docker') && (await isClassicBuildkitClient('/usr/bin/docker'))) return { bin: '/usr/bin/docker', buildx: false };
    return { bin: 'docker', buildx: false };
  })();
  cached.set(override, found);
  return found;
}

async function hasBuildx(bin: string): Promise<boolean> {
  try {
    await runCommand(bin, ['buildx', 'version']);
    return true;
  } catch {
    return false;
  }
}

async function isClassicBuildkitClient(bin: string): Promise<boolean> {
  try {
    const { stdout } = await runCommand(bin, ['version', '--format', '{{.Client.Version}}']);
    return Number(stdout.trim().split('.')[0]) <= 22;
  } catch {
    return false;
  }
}
