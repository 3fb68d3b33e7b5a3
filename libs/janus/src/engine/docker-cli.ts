import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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
  const key = [override, env.PATH, env.DOCKER_CONFIG].join('\0');
  let found = cached.get(key);
  if (found) return found;
  found = (async () => {
    if (override) return { bin: override, buildx: await hasBuildx(override) };
    // Both questions at once: each is a client start of tens of milliseconds in front of every build. Without a
    // buildx plugin where the CLI looks for one, `docker buildx version` cannot succeed: no need to start it.
    const [buildx, classic] = await Promise.all([
      buildxPluginDirs(env).some((dir) => existsSync(join(dir, 'docker-buildx'))) && hasBuildx('docker'),
      existsSync('/usr/bin/docker') && isClassicBuildkitClient('/usr/bin/docker'),
    ]);
    if (buildx) return { bin: 'docker', buildx: true };
    if (classic) return { bin: '/usr/bin/docker', buildx: false };
    return { bin: 'docker', buildx: false };
  })();
  cached.set(key, found);
  return found;
}

/** Where the docker CLI finds its plugins on Linux: the config directory's, the system ones, and any extra dirs the config names. */
export function buildxPluginDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const config = env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  let extra: string[] = [];
  try {
    extra = (JSON.parse(readFileSync(join(config, 'config.json'), 'utf8')) as { cliPluginsExtraDirs?: string[] }).cliPluginsExtraDirs ?? [];
  } catch {
    // no config, or one without extra plugin dirs
  }
  return [
    ...extra,
    join(config, 'cli-plugins'),
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins',
  ];
}

async function hasBuildx(bin: string): Promise<boolean> {
  try {
    await runCommand(bin, ['buildx', 'version']);
    return true;
  } catch {
    return false;
  }
}

/** `docker --version` ("Docker version 20.10.24+dfsg1, build …") asks the client only, not the engine. */
async function isClassicBuildkitClient(bin: string): Promise<boolean> {
  try {
    const { stdout } = await runCommand(bin, ['--version']);
    const major = /^Docker version (\d+)\./.exec(stdout)?.[1];
    return major !== undefined && Number(major) <= 22;
  } catch {
    return false;
  }
}
