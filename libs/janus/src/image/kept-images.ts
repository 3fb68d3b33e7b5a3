import type { ContainerEngine } from '../engine/container-engine';
import { inspectImage, tagImage } from '../engine/image-store';

/**
 * The local tag that keeps an image a build's tags moved away from: `kept-<image id>`. The Nx cache may still
 * restore a build record naming that image, so it must outlive the move; a tag (rather than leaving it
 * dangling) also keeps it from `docker image prune` and names whose it is. docker-clean removes these.
 */
export const KEPT_TAG_PREFIX = 'kept-';

export function keptTag(imageId: string): string {
  return `${KEPT_TAG_PREFIX}${imageId.replace(/^sha256:/, '').slice(0, 16)}`;
}

/** Tags each image that nothing names any more `<repository>:kept-<id>`; one still tagged is left as it is. */
export async function keepImages(repository: string, imageIds: Iterable<string>, engine?: ContainerEngine): Promise<string[]> {
  const kept: string[] = [];
  for (const id of imageIds) {
    const info = await inspectImage(id, engine).catch(() => undefined);
    if (!info || (info.RepoTags ?? []).length > 0) continue;
    await tagImage(id, `${repository}:${keptTag(id)}`, engine);
    kept.push(id);
  }
  return kept;
}

/** Whether every tag an image has is a kept- tag (or it has none): nothing but a build's keeping names it. */
export function onlyKept(repoTags: readonly string[] | undefined): boolean {
  return (repoTags ?? []).every((t) => t === '<none>:<none>' || t.slice(t.lastIndexOf(':') + 1).startsWith(KEPT_TAG_PREFIX));
}
