import { formatPlatform, type Platform } from '../oci/platform';
import { MediaType } from '../oci/media-types';
import { type AttestationDescriptor, REFERENCE_DIGEST_ANNOTATION } from './attestation-manifest';
import type { FetchedManifest, RegistryClient } from './registry-client';
import { UserError } from '../errors/user-error';

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
 * of OCI manifests everywhere, mixed forms less reliably. Attestation manifests need an OCI index (a Docker list
 * has no annotations), as BuildKit makes one whenever it attaches them; they come after the runnable manifests.
 */
export function buildManifestList(entries: PlatformManifest[], attestations: readonly AttestationDescriptor[] = []): ManifestList {
  if (entries.length === 0) throw new Error('a manifest list needs at least one platform manifest');
  const seen = new Set<string>();
  for (const e of entries) {
    const key = formatPlatform(e.platform);
    if (seen.has(key)) throw new Error(`platform ${key} appears twice in the manifest list`);
    seen.add(key);
  }
  const listed = new Set(entries.map((e) => e.digest));
  const orphan = attestations.find((a) => !listed.has(a.annotations[REFERENCE_DIGEST_ANNOTATION]));
  if (orphan) throw new Error(`attestation manifest ${orphan.digest} refers to ${orphan.annotations[REFERENCE_DIGEST_ANNOTATION]}, which is not in the list`);
  const oci = attestations.length > 0 || entries.every((e) => e.mediaType === MediaType.ociManifest);
  const mediaType = oci ? MediaType.ociIndex : MediaType.dockerManifestList;
  const manifests = [...entries.map((e) => ({ mediaType: e.mediaType, digest: e.digest, size: e.size, platform: e.platform })), ...attestations];
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
  if (!config) throw new UserError(`registry: ${repo}:${ref} has no config descriptor`);
  const blob = await client.getBlobJson<{ os?: string; architecture?: string; variant?: string; rootfs?: { diff_ids?: string[] } }>(repo, config);
  if (!blob.os || !blob.architecture) throw new UserError(`registry: ${repo}:${ref} config does not say its platform`);
  const platform: Platform = blob.variant
    ? { os: blob.os, architecture: blob.architecture, variant: blob.variant }
    : { os: blob.os, architecture: blob.architecture };
  return { digest: manifest.digest, size: manifest.size, mediaType: manifest.mediaType, platform, manifest, diffIds: blob.rootfs?.diff_ids ?? [] };
}
