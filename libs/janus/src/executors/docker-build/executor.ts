import type { ExecutorContext } from '@nx/devkit';
import { noteBuiltImages } from '../../image/image-ledger';
import { logger } from '../../workspace/nx-logger';
import { startBuildFacts } from './lib/build-facts';
import { lintBeforeBuild } from './lib/lint-before-build';
import { normalizeOptions } from './lib/normalize-options';
import { runDockerBuild } from './lib/run-docker-build';
import type { DockerBuildOptions } from './options-schema';
import { reportFailure } from '../report-failure';

export default async function dockerBuildExecutor(options: DockerBuildOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  // git and the docker client answer while options are parsed and the Dockerfile is linted. (Deferring this
  // module's imports until after this call would overlap them with module loading too, but Nx running the
  // plugin from its TypeScript sources can only load them while it loads this module.)
  startBuildFacts(context, options.engine);
  const abort = new AbortController();
  // Ctrl-C cancels the running BuildKit build (its client is our child) before anything is tagged or pushed.
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) return;
    logger.warn(`janus:docker-build: ${sig} received, cancelling the build`);
    abort.abort();
  };
  // Not `once`: Nx follows a terminal's SIGINT with SIGTERM (twice), and a second signal without a handler
  // would kill the process before the tags it moved are put back.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const normalized = await normalizeOptions(options, context);
    lintBeforeBuild(normalized);
    const record = await runDockerBuild(normalized, abort.signal);
    // docker-clean's list of this workspace's images: the ones a later build leaves dangling are ours to remove.
    noteBuiltImages(
      context.root,
      normalized.projectName,
      record.platforms.map((p) => p.imageId),
    );
    return { success: true };
  } catch (e) {
    if (abort.signal.aborted) logger.error('janus:docker-build: cancelled; no tag was changed');
    else reportFailure(e);
    return { success: false };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
