import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../process/run-command';
import type { BuildEngine, BuiltImage, PlatformBuildRequest } from './build-engine';
import { commonBuildArgs } from './cli-build-args';

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
      const args = this.buildx ? ['buildx', 'build', '--load', ...commonBuildArgs(req, iidFile)] : ['build', ...commonBuildArgs(req, iidFile)];
      await runCommand(this.bin, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' }, onLine: req.onLine, signal: req.signal });
      return { platform: req.platform, imageId: readFileSync(iidFile, 'utf8').trim() };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
