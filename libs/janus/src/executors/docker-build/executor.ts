// The staleness check of a workspace build runs first, before any code of this build does (see package/).
import '../../package/assert-current-build';
import type { ExecutorContext } from '@nx/devkit';
import { describeFailure } from '../../engine/docker-client';
import { logger } from '../../workspace/nx-logger';
import { startBuildFacts } from './lib/build-facts';
import type { DockerBuildOptions } from './options-schema';

export default async function dockerBuildExecutor(options: DockerBuildOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  // git and the docker client are asked first, and answer while the rest of the executor (zod, the Dockerfile
  // parser, the lint rules: about 0.1 s) loads: those imports are deferred to here on purpose.
  startBuildFacts(context, options.engine);
  const abort = new AbortController();
  // Ctrl-C cancels the running BuildKit build (its client is our child) before anything is tagged or pushed.
  const onSignal = (sig: NodeJS.Signals) => {
    logger.warn(`janus:docker-build: ${sig} received, cancelling the build`);
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { normalizeOptions } = await import('./lib/normalize-options');
    const { lintBeforeBuild } = await import('./lib/lint-before-build');
    const { runDockerBuild } = await import('./lib/run-docker-build');
    const normalized = await normalizeOptions(options, context);
    lintBeforeBuild(normalized);
    await runDockerBuild(normalized, abort.signal);
    return { success: true };
  } catch (e) {
    logger.error(abort.signal.aborted ? 'janus:docker-build: cancelled; no tag was changed' : describeFailure(e));
    return { success: false };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
