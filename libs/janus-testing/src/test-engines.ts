import { existsSync } from 'node:fs';
import { chooseEngine, type EngineKind, type EngineTarget } from '../../janus/src/engine/engine-choice';

/** One engine the engine-specific integration specs run on, and the docker-build `engine` option that picks it. */
export interface TestEngine {
  kind: EngineKind;
  target: EngineTarget;
  /** undefined on Docker: the build picks its builder (buildx or the classic client) as users' builds do. */
  buildOption?: 'podman';
}

/**
 * The engines to run engine-specific specs on: Docker always, Podman when its API socket is there (the bootstrap
 * starts it with JANUS_ENGINE=podman or JANUS_WITH_PODMAN=1, as CI does) or JANUS_TEST_PODMAN=1 demands it, so a
 * machine without Podman says so by failing rather than by skipping silently.
 */
export function testEngines(env: NodeJS.ProcessEnv = process.env): TestEngine[] {
  const docker: TestEngine = { kind: 'docker', target: chooseEngine({ option: 'docker' }, env) };
  const podman: TestEngine = { kind: 'podman', target: chooseEngine({ option: 'podman' }, env), buildOption: 'podman' };
  const withPodman = env.JANUS_TEST_PODMAN === '1' || (env.JANUS_TEST_PODMAN !== '0' && existsSync(podman.target.socketPath!));
  return withPodman ? [docker, podman] : [docker];
}
