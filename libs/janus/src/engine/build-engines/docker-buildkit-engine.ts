import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../process/run-command';
import { removeIfUntagged } from '../image-store';
import type { BuildEngine, BuiltImage, PlatformBuildRequest } from './build-engine';
import { commonBuildArgs, layerCacheArgs } from './cli-build-args';
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
    // BuildKit's plain progress names the image it wrote. Reading it there rather than from an --iidfile keeps
    // the plain docker build off TMPDIR entirely (a full TMPDIR made the CLI fail after writing a 246 MB image),
    // and tells a build that fails after writing its image which image to remove.
    let written: string | undefined;
    const onLine = (line: string) => {
      written = WRITING_IMAGE.exec(line)?.[1] ?? written;
      req.onLine(line);
    };
    // buildx's other drivers load the image without that line: there the iidfile says.
    const dir = this.buildx ? mkdtempSync(join(tmpdir(), 'janus-build-')) : undefined;
    const iidFile = dir && join(dir, 'iid');
    let produced: string | undefined;
    try {
      // buildx's --load exports into the engine's image store, which is what the classic builder does anyway.
      const cache = layerCacheArgs(req.layerCache, this.buildx);
      const args = this.buildx ? ['buildx', 'build', '--load', ...cache, ...commonBuildArgs(req, iidFile)] : ['build', ...cache, ...commonBuildArgs(req)];
      await runCommand(this.bin, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' }, onLine, signal: req.signal });
      const imageId = iidFile ? readFileSync(iidFile, 'utf8').trim() : written;
      if (!imageId) throw new Error(`${this.bin} build finished without naming the image it wrote (no "writing image sha256:…" line)`);
      produced = imageId;
      if (req.layerTime === undefined) return { platform: req.platform, imageId };
      // BuildKit before 0.13 (the engine's own, here) cannot rewrite layer times itself.
      const base =
        req.baseImage && req.readBaseImage
          ? await req.readBaseImage(req.baseImage, req.platform).catch((e: Error) => {
              req.onLine(`${e.message}; pinning the times of every layer instead`);
              return { diffIds: [], historyLength: 0 };
            })
          : { diffIds: [], historyLength: 0 };
      // On failure the catch below removes the image the build wrote; pinning removes it itself on success.
      const pinned = await pinImageTimes(imageId, req.layerTime, {
        keepLeading: base.diffIds,
        keepHistory: base.historyLength,
        signal: req.signal,
        keepImages: req.keepImages,
      });
      req.onLine(`layer times set to ${new Date(req.layerTime * 1000).toISOString()}: ${pinned.changedLayers} layer(s) rewritten`);
      return { platform: req.platform, imageId: pinned.imageId };
    } catch (e) {
      const orphan = produced ?? written;
      if (orphan && !req.keepImages?.has(orphan)) await removeIfUntagged(orphan).catch(() => false);
      throw e;
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
}

const WRITING_IMAGE = /writing image (sha256:[0-9a-f]{64})/;
