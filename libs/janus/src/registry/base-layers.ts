import { parsePlatform } from '../oci/platform';
import { DOCKER_HUB, parseImageReference } from '../oci/image-reference';
import { INDEX_TYPES } from '../oci/media-types';
import { RegistryClient } from './registry-client';
import type { BaseImageParts } from '../oci/base-image-parts';

/**
 * The layer digests (diff ids) and history length of the image a final stage is built FROM, for one platform, asked of the
 * registry the build pulled it from (the engine's `mirrors` first for Docker Hub names): the engine's BuildKit
 * keeps base images out of the image store, so the registry is where they can be read. These layers are
 * left as they are when layer times are pinned: they are the base image's, shared with every other image on it.
 */
export async function baseImageParts(ref: string, platform: string, mirrors: string[]): Promise<BaseImageParts> {
  if (ref === 'scratch') return { diffIds: [], historyLength: 0 };
  const parsed = parseImageReference(ref);
  const hosts = parsed.registry === DOCKER_HUB ? [...mirrors, 'https://registry-1.docker.io'] : [parsed.registry];
  const wanted = parsePlatform(platform);
  const errors: string[] = [];
  for (const host of hosts) {
    try {
      // forHost: a private registry's CA in the engine's certs.d is trusted here as it is by the build.
      const client = RegistryClient.forHost(host, { timeoutMs: 10_000 });
      let manifest = await client.getManifest(parsed.repository, parsed.digest ?? parsed.tag ?? 'latest');
      if (INDEX_TYPES.includes(manifest.mediaType)) {
        const entries = (manifest.json.manifests ?? []) as Array<{ digest: string; platform?: { os: string; architecture: string; variant?: string } }>;
        const entry = entries.find(
          (m) =>
            m.platform?.os === wanted.os &&
            m.platform.architecture === wanted.architecture &&
            (!wanted.variant || !m.platform.variant || m.platform.variant === wanted.variant),
        );
        if (!entry) throw new Error(`no ${platform} image in the list`);
        manifest = await client.getManifest(parsed.repository, entry.digest);
      }
      const configDigest = (manifest.json.config as { digest: string }).digest;
      const config = await client.getBlobJson<{ rootfs?: { diff_ids?: string[] }; history?: unknown[] }>(parsed.repository, configDigest);
      return { diffIds: config.rootfs?.diff_ids ?? [], historyLength: config.history?.length ?? 0 };
    } catch (e) {
      errors.push(`${host}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`the layers of base image ${ref} (${platform}) could not be read: ${errors.join('; ')}`);
}
