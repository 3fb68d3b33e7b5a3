import { MediaType } from '../oci/media-types';
import type { RegistryClient } from './registry-client';
import { sha256Digest } from './registry-client';

/** BuildKit's attestation layout: https://github.com/moby/buildkit/blob/master/docs/attestations/attestation-storage.md */
export const IN_TOTO_MEDIA_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT = 'https://in-toto.io/Statement/v0.1';
export const PREDICATE_TYPE_ANNOTATION = 'in-toto.io/predicate-type';
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
export const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';
export const ATTESTATION_MANIFEST = 'attestation-manifest';
/** What a runtime never matches, so no engine pulls or runs an attestation. */
export const UNKNOWN_PLATFORM = { architecture: 'unknown', os: 'unknown' } as const;

/** An in-toto statement about one platform manifest. */
export interface InTotoStatement {
  _type: string;
  predicateType: string;
  subject: Array<{ name: string; digest: Record<string, string> }>;
  predicate: unknown;
}

export function inTotoStatement(subjectName: string, subjectDigest: string, predicateType: string, predicate: unknown): InTotoStatement {
  return {
    _type: IN_TOTO_STATEMENT,
    predicateType,
    subject: [{ name: subjectName, digest: { sha256: subjectDigest.replace(/^sha256:/, '') } }],
    predicate,
  };
}

/** An attestation manifest's entry in the image index, as BuildKit writes it. */
export interface AttestationDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
  platform: typeof UNKNOWN_PLATFORM;
}

/**
 * Uploads the statements about one platform manifest as an attestation manifest (one in-toto layer per statement,
 * a config that says unknown/unknown), by digest: nothing names it until the index does, which goes up last.
 */
export async function pushAttestationManifest(
  client: RegistryClient,
  repository: string,
  subject: string,
  statements: readonly InTotoStatement[],
): Promise<AttestationDescriptor> {
  const layers = [];
  for (const statement of statements) {
    const body = JSON.stringify(statement);
    const digest = await client.putBlob(repository, body);
    layers.push({
      mediaType: IN_TOTO_MEDIA_TYPE,
      digest,
      size: Buffer.byteLength(body),
      annotations: { [PREDICATE_TYPE_ANNOTATION]: statement.predicateType },
    });
  }
  const config = JSON.stringify({ ...UNKNOWN_PLATFORM, config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } });
  const configDigest = await client.putBlob(repository, config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: Buffer.byteLength(config) },
    layers,
  });
  const digest = sha256Digest(manifest);
  await client.putManifest(repository, digest, MediaType.ociManifest, manifest);
  return {
    mediaType: MediaType.ociManifest,
    digest,
    size: Buffer.byteLength(manifest),
    annotations: { [REFERENCE_DIGEST_ANNOTATION]: subject, [REFERENCE_TYPE_ANNOTATION]: ATTESTATION_MANIFEST },
    platform: UNKNOWN_PLATFORM,
  };
}

/** The statements an attestation manifest in the registry holds (for image-report and specs). */
export async function readAttestations(client: RegistryClient, repository: string, digest: string): Promise<InTotoStatement[]> {
  const manifest = await client.getManifest(repository, digest);
  const layers = (manifest.json.layers as Array<{ mediaType?: string; digest: string }> | undefined) ?? [];
  const statements: InTotoStatement[] = [];
  for (const l of layers) if (l.mediaType === IN_TOTO_MEDIA_TYPE) statements.push(await client.getBlobJson<InTotoStatement>(repository, l.digest));
  return statements;
}
