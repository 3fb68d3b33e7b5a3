import type { ExecutorContext } from '@nx/devkit';
import type { DockerBuildOptions } from './options-schema';
import { resolveDockerCli } from '../../engine/docker-cli';
import { lintBeforeBuild } from './lib/lint-before-build';
import { normalizeOptions } from './lib/normalize-options';
import { runDockerBuild } from './lib/run-docker-build';
import { logger } from '../../workspace/nx-logger';

export default async function dockerBuildExecutor(options: DockerBuildOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const abort = new AbortController();
  // Ctrl-C cancels the running BuildKit build (its client is our child) before anything is tagged or pushed.
  const onSignal = (sig: NodeJS.Signals) => {
    logger.warn(`janus:docker-build: ${sig} received, cancelling the build`);
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Finding the docker client means starting it (tens of milliseconds a question): ask now, while options,
  // git and the lint are worked out; the build engine picks up the same answer.
  if (options.engine !== 'podman') void resolveDockerCli();
  try {
    const normalized = await normalizeOptions(options, context);
    lintBeforeBuild(normalized);
    await runDockerBuild(normalized, abort.signal);
    return { success: true };
  } catch (e) {
    logger.error(abort.signal.aborted ? 'janus:docker-build: cancelled; no tag was changed' : (e as Error).message);
    return { success: false };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
