import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { BUILD_RECORD_FILE, buildRecordDir, defaultBuildRecordDir, readBuildRecord, writeBuildRecord } from '../../image/build-record';
import { buildSummary } from '../../image/build-summary';
import { parseOptions } from '../../schema/parse-options';
import { logger } from '../../workspace/nx-logger';
import { workspacePath } from '../../workspace/target-options';
import { mergePlatformRecords } from './lib/merge-records';
import { type DockerMergeOptions, schema } from './options-schema';

/**
 * The second half of a split build: the platform builds ran on their own machines (or restored from the shared
 * Nx cache), each staged its image in the registry by digest and recorded it; this writes their one record, which
 * contract-test and docker-push read as they read a docker-build's. It owns only that record.
 */
export default async function dockerMergeExecutor(raw: DockerMergeOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const o = parseOptions(schema, raw, 'janus:docker-merge');
    const parts = o.platformTargets.map((target) => {
      const file = join(buildRecordDir(context, target), BUILD_RECORD_FILE);
      return { source: `${context.projectName}:${target}`, record: readBuildRecord(file, `run 'nx run ${context.projectName}:${target}' first`) };
    });
    const merged = mergePlatformRecords(parts);
    const out = workspacePath(context.root, o.outputPath ?? defaultBuildRecordDir(context.projectName!));
    writeBuildRecord(out, merged);
    logger.info(`janus:docker-merge: ${parts.map((p) => p.source).join(' + ')} → ${join(out, BUILD_RECORD_FILE)}`);
    logger.info('\n' + buildSummary(merged, 0));
    return { success: true };
  } catch (e) {
    logger.error((e as Error).message);
    return { success: false };
  }
}
