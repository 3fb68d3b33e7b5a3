import { resolveDockerCli } from '../docker-cli';
import { runCommand } from '../../process/run-command';
import type { BuildEngine } from './build-engine';
import { DockerBuildkitEngine } from './docker-buildkit-engine';
import { PodmanEngine } from './podman-engine';
import { UserError } from '../../errors/user-error';

export type EngineChoice = 'auto' | 'buildx' | 'docker' | 'podman';

export async function selectBuildEngine(choice: EngineChoice): Promise<BuildEngine> {
  if (choice === 'podman') {
    await runCommand('podman', ['--version']).catch(() => {
      throw new UserError("engine 'podman': the podman CLI was not found; install podman or use --engine=docker");
    });
    return new PodmanEngine();
  }
  const cli = await resolveDockerCli();
  if (choice === 'buildx' && !cli.buildx) {
    throw new UserError("engine 'buildx': no docker CLI with the buildx plugin was found; use --engine=auto to build per platform with BuildKit");
  }
  // The classic builder of the CLI that was found (or JANUS_DOCKER_CLI), never a bare `docker` from PATH,
  // which may be a newer client without BuildKit.
  if (choice === 'docker') return new DockerBuildkitEngine(cli.bin, false);
  return new DockerBuildkitEngine(cli.bin, cli.buildx);
}
