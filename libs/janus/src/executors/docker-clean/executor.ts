import type { ExecutorContext } from '@nx/devkit';
import { workspaceContainers } from '../../compose/workspace-containers';
import { assertEngineRunning, containerEngine } from '../../engine/docker-client';
import { builtImages, keepBuiltImages } from '../../image/image-ledger';
import { onlyKept } from '../../image/kept-images';
import { parseOptions } from '../../schema/parse-options';
import { logger } from '../../workspace/nx-logger';
import { type DockerCleanOptions, schema } from './options-schema';
import { reportFailure } from '../report-failure';

/**
 * Containers first (a dangling image a container still uses cannot go), then the dangling images this
 * workspace's builds made, as its ledger lists them (an untagged image says nothing about whose it is), and
 * those its builds kept under `kept-<id>` tags when their tags moved on. It is the only thing that removes an
 * image a build made: docker-build keeps them, since a record in the Nx cache may still name one.
 */
export default async function dockerCleanExecutor(raw: DockerCleanOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const o = parseOptions(schema, raw, 'janus:docker-clean');
    const engine = containerEngine();
    await assertEngineRunning(engine);
    const verb = o.dryRun ? 'would remove' : 'removed';
    const containers = await workspaceContainers(context.root, engine);
    for (const c of containers) {
      if (!o.dryRun) await engine.containers.remove(c.id);
      const origin = c.origin.kind === 'run' ? `docker-run of ${c.origin.project}` : `compose ${c.origin.composeProject}/${c.origin.service}`;
      logger.info(`janus:docker-clean: ${verb} container ${c.name} (${origin}, ${c.state})`);
    }
    const ledger = builtImages(context.root);
    // This workspace's images that nothing but a build's keeping names: dangling, or tagged kept-<id> only.
    const leftover = (await engine.images.list()).filter((i) => ledger.has(i.id) && onlyKept(i.repoTags));
    const failed: string[] = [];
    let images = 0;
    for (const img of leftover) {
      const tags = img.repoTags;
      try {
        // Each kept tag goes (the last one takes the image with it); a dangling image is removed by id.
        if (!o.dryRun) for (const ref of tags.length ? tags : [img.id]) await engine.images.remove(ref);
        images++;
        logger.info(
          `janus:docker-clean: ${verb} ${tags.length ? `kept image ${tags.join(', ')}` : `dangling image ${img.id.slice(7, 19)}`} (built for ${ledger.get(img.id)})`,
        );
      } catch (e) {
        // In use by a container that is not this workspace's: it is not ours to stop.
        failed.push(`${img.id.slice(7, 19)}: ${(e as Error).message}`);
      }
    }
    if (!o.dryRun) {
      const present = new Set((await engine.images.list({ all: true })).map((i) => i.id));
      keepBuiltImages(context.root, new Map([...ledger].filter(([id]) => present.has(id))));
    }
    for (const f of failed) logger.warn(`janus:docker-clean: could not remove image ${f}`);
    logger.info(`janus:docker-clean: ${verb} ${containers.length} container(s) and ${images} kept or dangling image(s) of this workspace`);
    // docker-build keeps every image it made, tagged or not, because Nx's cache may restore a record naming it.
    if (images > 0)
      logger.info(
        `janus:docker-clean: a docker-build restored from the Nx cache may still name ${o.dryRun ? 'an image listed above' : 'a removed image'}; docker-run, contract-test and docker-push then say so, and 'nx run <project>:docker-build --skip-nx-cache' rebuilds it`,
      );
    return { success: true };
  } catch (e) {
    reportFailure(e);
    return { success: false };
  }
}
