import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../process/run-command';
import { removeIfUntagged } from '../image-store';
import type { BuildEngine, BuiltImage, PlatformBuildRequest } from './build-engine';
import { commonBuildArgs } from './cli-build-args';

/**
 * The flags for `podman build`, from the ones docker build takes. `--format docker`: Podman's default OCI format
 * drops HEALTHCHECK (and SHELL), which the templates' images carry, and gives OCI manifests where Docker pushes
 * Docker ones; with it the staged manifests and the list over them have Docker's media types, as on Docker.
 * `--timestamp` is Podman's own reproducibility: every file in the layers this build writes and the image's
 * created time are set to it (Docker's path rewrites the layers after the build, see pin-image-times).
 * BuildKit's progress and inline-cache flags mean nothing to it.
 */
export function podmanBuildArgs(req: PlatformBuildRequest, iidFile: string): string[] {
  const timestamp = req.layerTime === undefined ? [] : ['--timestamp', String(req.layerTime)];
  return ['build', '--format', 'docker', ...timestamp, ...commonBuildArgs(req, iidFile).filter((a) => a !== '--progress=plain')];
}

/**
 * `podman build --platform`, one platform at a time, into Podman's store. BuildKit sessions do not cross Podman's
 * API socket, so building goes through the CLI (as root it shares the store the rootful socket serves); tagging,
 * sizing and pushing go through that socket, as on Docker.
 */
export class PodmanEngine implements BuildEngine {
  readonly name = 'podman' as const;

  constructor(readonly bin = 'podman') {}

  async buildPlatform(req: PlatformBuildRequest): Promise<BuiltImage> {
    if (req.layerCache?.from.length) {
      // Podman 4's --cache-from takes a repository of its own cache layers, not an image with BuildKit's inline cache.
      req.onLine(`podman: the BuildKit layer cache (${req.layerCache.from.join(', ')}) is not read by podman build; its own layer cache applies`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'janus-build-'));
    const iidFile = join(dir, 'iid');
    const written = () => {
      const id = readFileSync(iidFile, 'utf8').trim();
      return id.startsWith('sha256:') ? id : `sha256:${id}`;
    };
    try {
      await runCommand(this.bin, podmanBuildArgs(req, iidFile), { onLine: req.onLine, signal: req.signal });
      return { platform: req.platform, imageId: written() };
    } catch (e) {
      // Interrupted after it committed the image (the iidfile is written then): removed unless a record names it.
      let orphan: string | undefined;
      try {
        orphan = written();
      } catch {
        // no image was committed
      }
      if (orphan && !req.keepImages?.has(orphan)) await removeIfUntagged(orphan).catch(() => false);
      throw e;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
