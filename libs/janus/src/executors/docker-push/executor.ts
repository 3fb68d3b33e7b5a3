import type { ExecutorContext } from '@nx/devkit';
import { dirname, join } from 'node:path';
import { defaultReportDir, readContractReport } from '../../contract/report';
import { assertEngineRunning, describeFailure } from '../../engine/docker-client';
import { inspectImage } from '../../engine/image-store';
import { type BuildRecord, buildRecordDir, BUILD_RECORD_FILE, readBuildRecord, stageBuildRecord } from '../../image/build-record';
import { buildSummary } from '../../image/build-summary';
import { stagePublication } from '../../image/publish-image';
import { parseOptions } from '../../schema/parse-options';
import { siblingTargetPath, workspacePath } from '../../workspace/target-options';
import { type DockerPushOptions, schema } from './options-schema';
import { logger } from '../../workspace/nx-logger';

/** The contract must have passed on one of exactly the images this record names, not on an older or other build. */
function assertContractPassed(record: BuildRecord, context: ExecutorContext, contractTarget: string): void {
  const dir = siblingTargetPath(context, contractTarget, 'reportDir', defaultReportDir(context.projectName!));
  const report = readContractReport(dir);
  const run = `run 'nx run ${context.projectName}:${contractTarget}' first`;
  if (!report) throw new Error(`janus:docker-push: no contract report in ${dir}; ${run}`);
  const built = record.platforms.map((p) => p.imageId);
  if (!built.includes(report.imageId)) {
    throw new Error(
      `janus:docker-push: the contract report in ${dir} is for ${report.imageId.slice(0, 19)}, not an image of this build (${built.map((b) => b.slice(0, 19)).join(', ')}); ${run}`,
    );
  }
  if (!report.ok)
    throw new Error(
      `janus:docker-push: ${report.imageId.slice(0, 19)} failed the contract (${report.checks
        .filter((c) => !c.ok)
        .map((c) => c.id)
        .join(', ')}); nothing was published`,
    );
}

/**
 * Publishes exactly what docker-build built (and contract-test checked): the per-platform images it
 * recorded, then the manifest list under its tags. Nothing is rebuilt, so what ships is what was tested.
 */
export default async function dockerPushExecutor(raw: DockerPushOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const o = parseOptions(schema, raw, 'janus:docker-push');
    const file = o.metadata ? workspacePath(context.root, o.metadata) : join(buildRecordDir(context, o.buildTarget), BUILD_RECORD_FILE);
    const record = readBuildRecord(file, `run 'nx run ${context.projectName}:${o.buildTarget}' first`);
    if (o.requireContract) assertContractPassed(record, context, o.contractTarget);
    await assertEngineRunning();
    for (const p of record.platforms) {
      const info = await inspectImage(p.ref);
      if (!info)
        throw new Error(
          `janus:docker-push: ${p.ref} (${p.platform}) is not in the local engine; rebuild with 'nx run ${context.projectName}:${o.buildTarget} --skip-nx-cache'`,
        );
      if (info.Id !== p.imageId)
        throw new Error(
          `janus:docker-push: ${p.ref} now points at ${info.Id.slice(0, 19)}, not the ${p.imageId.slice(0, 19)} that was built and checked; rebuild first`,
        );
    }
    const t0 = Date.now();
    const publication = await stagePublication({
      repository: record.image,
      tags: record.tags,
      platformRefs: record.platforms.map((p) => ({ platform: p.platform, ref: p.ref })),
      onLine: (l) => logger.info(l),
    });
    const updated: BuildRecord = {
      ...record,
      pushed: true,
      indexDigest: publication.indexDigest,
      platforms: record.platforms.map((p, i) => ({ ...p, digest: publication.platforms[i].digest })),
    };
    const staged = stageBuildRecord(dirname(file), updated);
    try {
      await publication.publish((l) => logger.info(l));
      staged.commit();
    } finally {
      staged.discard();
    }
    logger.info('\n' + buildSummary(updated, (Date.now() - t0) / 1000));
    return { success: true };
  } catch (e) {
    logger.error(describeFailure(e));
    return { success: false };
  }
}
