import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { describeFailure } from '../../engine/docker-client';
import { BUILD_RECORD_FILE, buildRecordDir, readBuildRecord } from '../../image/build-record';
import { formatImageReport, readImageReport } from '../../image/image-report';
import { registryFor } from '../../image/publish-image';
import { parseImageReference } from '../../oci/image-reference';
import { parseOptions } from '../../schema/parse-options';
import { logger } from '../../workspace/nx-logger';
import { type ImageReportOptions, schema } from './options-schema';

/** Reads a published image back from its registry (nothing local is consulted but the record naming it). */
export default async function imageReportExecutor(raw: ImageReportOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const o = parseOptions(schema, raw, 'janus:image-report');
    let image = o.image;
    if (!image) {
      const record = readBuildRecord(
        join(buildRecordDir(context, o.buildTarget), BUILD_RECORD_FILE),
        `run 'nx run ${context.projectName}:${o.buildTarget}' with push, or pass --image`,
      );
      image = `${record.image}:${record.tags[0]}`;
    }
    const ref = parseImageReference(image);
    const target = await registryFor(`${ref.registry}/${ref.repository}`);
    logger.info(formatImageReport(await readImageReport(target, ref.digest ?? ref.tag ?? 'latest')));
    return { success: true };
  } catch (e) {
    logger.error(describeFailure(e));
    return { success: false };
  }
}
