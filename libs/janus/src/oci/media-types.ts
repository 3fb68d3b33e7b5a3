export const MediaType = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

export const SINGLE_MANIFEST_TYPES: readonly string[] = [MediaType.dockerManifest, MediaType.ociManifest];
export const INDEX_TYPES: readonly string[] = [MediaType.dockerManifestList, MediaType.ociIndex];
export const ALL_MANIFEST_TYPES: readonly string[] = [...INDEX_TYPES, ...SINGLE_MANIFEST_TYPES];
