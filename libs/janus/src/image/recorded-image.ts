import { inspectImage } from '../engine/image-store';
import type { PlatformResult } from './build-record';
import { UserError } from '../errors/user-error';

/**
 * An engine-only build's image for one platform, by id: present, or an error that says why it may be gone and
 * the one command that brings it back. A record can outlive its image in two ways: the Nx cache restored it on
 * a machine or clone whose engine never built it, or docker-clean (or a `docker image prune`) removed the image
 * since. docker-build itself never removes an image a record names. Nx does not run the build on a cache hit,
 * so the consumer is where this is noticed; `--skip-nx-cache` makes the build run again (same inputs, same image).
 */
export async function engineImageOf(consumer: string, platform: PlatformResult, project: string, buildTarget: string): Promise<string> {
  if ((await inspectImage(platform.imageId))?.Id === platform.imageId) return platform.imageId;
  throw new UserError(
    `janus:${consumer}: the build record names image ${platform.imageId.slice(0, 19)} (${platform.platform}), which is not in this engine: ` +
      `it was built in another engine (a record restored from the Nx cache of another machine or clone, keepImagesIn: engine) or removed since (docker-clean, docker image prune); ` +
      `rebuild it with 'nx run ${project}:${buildTarget} --skip-nx-cache', or build with --keepImagesIn=registry (the ci configuration) so any machine can use it`,
  );
}
