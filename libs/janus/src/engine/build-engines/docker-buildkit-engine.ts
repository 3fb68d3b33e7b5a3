import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../process/run-command';
import { removeIfUntagged } from '../image-store';
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
    try {
      const args = this.buildx ? ['buildx', 'build', '--load', ...commonBuildArgs(req, iidFile)] : ['build', ...commonBuildArgs(req)];
      await runCommand(this.bin, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' }, onLine, signal: req.signal });
      const imageId = iidFile ? readFileSync(iidFile, 'utf8').trim() : written;
      if (!imageId) throw new Error(`${this.bin} build finished without naming the image it wrote (no "writing image sha256:…" line)`);
      return { platform: req.platform, imageId };
    } catch (e) {
      if (written) await removeIfUntagged(written).catch(() => false);
      throw e;
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
}

const WRITING_IMAGE = /writing image (sha256:[0-9a-f]{64})/;
