import { type ExecutorContext, logger } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { parseOptions } from '../../schema/parse-options';
import { type BuildMetadata, writeMetadata } from '../docker-build/lib/metadata';
import { publishImage } from '../docker-build/lib/publish';
import { summaryTable } from '../docker-build/lib/summary-table';
import { type DockerPushOptions, schema } from './options-schema';

/**
 * Publishes exactly what docker-build built (and contract-test checked): the per-platform images it
 * recorded in metadata.json, then the manifest list under its tags. Nothing is rebuilt, so what ships is
 * what was tested.
 */
export default async function dockerPushExecutor(raw: DockerPushOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const o = parseOptions(schema, raw, 'janus:docker-push');
    const file = join(context.root, o.metadata ?? join('dist/docker', context.projectName!, 'metadata.json'));
    if (!existsSync(file)) throw new Error(`janus:docker-push: no ${file}; run 'nx run ${context.projectName}:docker-build' first`);
    const metadata = JSON.parse(readFileSync(file, 'utf8')) as BuildMetadata;
    await assertEngineRunning();
    for (const p of metadata.platforms) {
      const info = await dockerClient()
        .getImage(p.ref)
        .inspect()
        .catch(() => undefined);
      if (!info)
        throw new Error(
          `janus:docker-push: ${p.ref} (${p.platform}) is not in the local engine; rebuild with 'nx run ${context.projectName}:docker-build --skip-nx-cache'`,
        );
      if (info.Id !== p.imageId)
        throw new Error(
          `janus:docker-push: ${p.ref} now points at ${info.Id.slice(0, 19)}, not the ${p.imageId.slice(0, 19)} that was built and checked; rebuild first`,
        );
    }
    const t0 = Date.now();
    const published = await publishImage({
      repository: metadata.image,
      tags: metadata.tags,
      platformRefs: metadata.platforms.map((p) => ({ platform: p.platform, ref: p.ref })),
      onLine: (l) => logger.info(l),
    });
    const updated: BuildMetadata = {
      ...metadata,
      pushed: true,
      indexDigest: published.indexDigest,
      platforms: metadata.platforms.map((p, i) => ({ ...p, digest: published.platforms[i].digest })),
    };
    writeMetadata(dirname(file), updated);
    logger.info('\n' + summaryTable(updated, (Date.now() - t0) / 1000));
    return { success: true };
  } catch (e) {
    logger.error((e as Error).message);
    return { success: false };
  }
}
