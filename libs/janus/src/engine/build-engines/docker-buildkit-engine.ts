import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../process/run-command';
import type { BuildEngine, BuiltImage, PlatformBuildRequest } from './build-engine';
import { commonBuildArgs, layerCacheArgs } from './cli-build-args';
import { removeIfUntagged } from '../image-store';
import { baseLayerDiffIds } from '../layer-times/base-layers';
import { pinImageTimes } from '../layer-times/pin-image-times';

/**
 * `docker build` with DOCKER_BUILDKIT=1, one platform at a time. This is what a docker CLI without the
 * buildx plugin can do; multi-arch comes from the caller pushing each platform and assembling a manifest list.
 */
export class DockerBuildkitEngine implements BuildEngine {
  readonly name: 'docker' | 'buildx';

  constructor(
    readonly bin: string,
    private readonly buildx = false,
  ) {
    this.name = buildx ? 'buildx' : 'docker';
  }

  async buildPlatform(req: PlatformBuildRequest): Promise<BuiltImage> {
    const dir = mkdtempSync(join(tmpdir(), 'janus-build-'));
    const iidFile = join(dir, 'iid');
    try {
      // buildx's --load exports into the engine's image store, which is what the classic builder does anyway.
      const cache = layerCacheArgs(req.layerCache, this.buildx);
      const args = this.buildx
        ? ['buildx', 'build', '--load', ...cache, ...commonBuildArgs(req, iidFile)]
        : ['build', ...cache, ...commonBuildArgs(req, iidFile)];
      await runCommand(this.bin, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' }, onLine: req.onLine, signal: req.signal });
      const imageId = readFileSync(iidFile, 'utf8').trim();
      if (req.layerTime === undefined) return { platform: req.platform, imageId };
      // BuildKit before 0.13 (the engine's own, here) cannot rewrite layer times itself.
      const keepLeading = req.baseImage
        ? await baseLayerDiffIds(req.baseImage, req.platform).catch((e: Error) => {
            req.onLine(`${e.message}; pinning the times of every layer instead`);
            return [];
          })
        : [];
      const pinned = await pinImageTimes(imageId, req.layerTime, { keepLeading, signal: req.signal }).catch(async (e: unknown) => {
        await removeIfUntagged(imageId);
        throw e;
      });
      req.onLine(`layer times set to ${new Date(req.layerTime * 1000).toISOString()}: ${pinned.changedLayers} layer(s) rewritten`);
      return { platform: req.platform, imageId: pinned.imageId };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
