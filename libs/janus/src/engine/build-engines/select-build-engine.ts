import { resolveDockerCli } from '../docker-cli';
import { runCommand } from '../../process/run-command';
import type { EngineTarget } from '../engine-choice';
import type { BuildEngine } from './build-engine';
import { DockerBuildkitEngine } from './docker-buildkit-engine';
import { PodmanEngine } from './podman-engine';
import { timedBuilds } from './build-times-log';
import { UserError } from '../../errors/user-error';

export type EngineChoice = 'auto' | 'buildx' | 'docker' | 'podman';

/**
 * The builder for the chosen engine: Podman's socket carries no BuildKit session, so on Podman every build goes
 * through the `podman build` CLI; on Docker, buildx when the client has it, else the classic BuildKit client.
 */
export async function selectBuildEngine(choice: EngineChoice, engine?: EngineTarget): Promise<BuildEngine> {
  return timedBuilds(await chooseBuildEngine(choice, engine));
}

async function chooseBuildEngine(choice: EngineChoice, engine?: EngineTarget): Promise<BuildEngine> {
  if (choice === 'podman' || (choice === 'auto' && engine?.kind === 'podman')) {
    await runCommand('podman', ['--version']).catch(() => {
      throw new UserError(
        "janus: Podman is not installed (no podman CLI, which builds for Podman): install it ('apt-get install podman', or 'JANUS_ENGINE=podman npm run bootstrap' here), or choose Docker (JANUS_ENGINE=docker)",
      );
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
