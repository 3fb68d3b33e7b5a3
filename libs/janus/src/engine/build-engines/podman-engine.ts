import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../process/run-command';
import type { BuildEngine, BuiltImage, PlatformBuildRequest } from './build-engine';
import { commonBuildArgs } from './cli-build-args';

/**
 * `podman build --platform`. Tagging and pushing go through the Engine API, so podman must serve its
 * docker-compatible socket (`podman system service`) and DOCKER_HOST must point at it.
 */
export class PodmanEngine implements BuildEngine {
  readonly name = 'podman' as const;

  async buildPlatform(req: PlatformBuildRequest): Promise<BuiltImage> {
    const dir = mkdtempSync(join(tmpdir(), 'janus-build-'));
    const iidFile = join(dir, 'iid');
    try {
      // podman sets every new layer's file times (and the image's created time) itself.
      const timestamp = req.layerTime === undefined ? [] : ['--timestamp', String(req.layerTime)];
      await runCommand('podman', ['build', ...timestamp, ...commonBuildArgs(req, iidFile).filter((a) => a !== '--progress=plain')], {
        onLine: req.onLine,
        signal: req.signal,
      });
      return { platform: req.platform, imageId: readFileSync(iidFile, 'utf8').trim() };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
