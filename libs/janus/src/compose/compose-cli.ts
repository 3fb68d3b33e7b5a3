import { engineEnv } from '../engine/docker-client';
import { runCommand, type CommandResult, type RunCommandOptions } from '../process/run-command';
import { UserError } from '../errors/user-error';

/** How compose is invoked here: the `docker compose` plugin (v2) when the client has it, else Debian's `docker-compose` (v1). */
export interface ComposeCli {
  bin: string;
  /** Arguments before compose's own (`['compose']` for the plugin). */
  prefix: string[];
  version: string;
}

let found: Promise<ComposeCli> | undefined;

async function probe(bin: string, prefix: string[]): Promise<ComposeCli | undefined> {
  try {
    const { stdout } = await runCommand(bin, [...prefix, 'version', '--short']);
    return { bin, prefix, version: stdout.trim() };
  } catch {
    return undefined;
  }
}

/** The compose client, found once per process; a clear error naming both candidates and how to get one. */
export function composeCli(): Promise<ComposeCli> {
  found ??= (async () => {
    const cli = (await probe('docker', ['compose'])) ?? (await probe('docker-compose', []));
    if (!cli) {
      found = undefined;
      throw new UserError(
        "janus: no compose client found: neither 'docker compose' (the compose plugin) nor 'docker-compose' runs. " +
          "Install one: Docker's compose plugin ('docker compose'), or docker-compose from your distribution (e.g. apt-get install docker-compose).",
      );
    }
    return cli;
  })();
  return found;
}

/** Compose's own names for a project: lowercase letters, digits, - and _ (v1 also drops the rest). */
export function composeProjectName(raw: string): string {
  const name = raw.toLowerCase().replace(/[^a-z0-9_-]+/g, '');
  return name.replace(/^[-_]+/, '') || 'janus';
}

export interface ComposeInvocation {
  /** The compose file, absolute. */
  file: string;
  projectName: string;
  /** The env file compose interpolates from (absolute), when there is one. */
  envFile?: string;
}

/** Runs one compose command against the file and project, on the chosen engine, output streamed through `onLine`. */
export async function runCompose(inv: ComposeInvocation, args: string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  const cli = await composeCli();
  // v1 has no --env-file before 1.25 and reads <project dir>/.env on its own; both versions take it globally.
  const envFile = inv.envFile ? ['--env-file', inv.envFile] : [];
  // Compose is a client of its own: it reaches Podman's socket only through DOCKER_HOST.
  return runCommand(cli.bin, [...cli.prefix, '-f', inv.file, '-p', inv.projectName, ...envFile, ...args], { ...options, env: engineEnv(options.env) });
}
