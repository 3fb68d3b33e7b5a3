import { formatPlatform, type Platform } from '../oci/platform';
import { MediaType } from '../oci/media-types';
import type { FetchedManifest, RegistryClient } from './registry-client';

export interface PlatformManifest {
  digest: string;
  size: number;
  mediaType: string;
  platform: Platform;
}

export interface ManifestList {
  mediaType: string;
  body: string;
}

/**
 * Assembles a manifest list (Docker) or image index (OCI) over single-platform manifests. The list's kind
 * follows the children's: engines and registries handle a Docker list of Docker manifests and an OCI index
 * of OCI manifests everywhere, mixed forms less reliably.
 */
export function buildManifestList(entries: PlatformManifest[]): ManifestList {
  if (entries.length === 0) throw new Error('a manifest list needs at least one platform manifest');
  const seen = new Set<string>();
  for (const e of entries) {
    const key = formatPlatform(e.platform);
    if (seen.has(key)) throw new Error(`platform ${key} appears twice in the manifest list`);
    seen.add(key);
  }
  const oci = entries.every((e) => e.mediaType === MediaType.ociManifest);
  const mediaType = oci ? MediaType.ociIndex : MediaType.dockerManifestList;
  const manifests = entries.map((e) => ({ mediaType: e.mediaType, digest: e.digest, size: e.size, platform: e.platform }));
  return { mediaType, body: JSON.stringify({ schemaVersion: 2, mediaType, manifests }, null, 3) };
}

/** Reads one single-platform manifest and its config blob, which is where the platform is recorded. */
export async function describePlatformManifest(
  client: RegistryClient,
  repo: string,
  ref: string,
): Promise<PlatformManifest & { manifest: FetchedManifest; diffIds: string[] }> {
  const manifest = await client.getSingleManifest(repo, ref);
  const config = (manifest.json.config as { digest?: string } | undefined)?.digest;
  if (!config) throw new Error(`registry: ${repo}:${ref} has no config descriptor`);
  const blob = await client.getBlobJson<{ os?: string; architecture?: string; variant?: string; rootfs?: { diff_ids?: string[] } }>(repo, config);
  if (!blob.os || !blob.architecture) throw new Error(`registry: ${repo}:${ref} config does not say its platform`);
  const platform: Platform = blob.variant
    ? { os: blob.os, architecture: blob.architecture, variant: blob.variant }
    : { os: blob.os, architecture: blob.architecture };
  return { digest: manifest.digest, size: manifest.size, mediaType: manifest.mediaType, platform, manifest, diffIds: blob.rootfs?.diff_ids ?? [] };
}
