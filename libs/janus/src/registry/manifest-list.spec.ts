import { buildManifestList, type PlatformManifest } from './manifest-list';
import { MediaType } from '../oci/media-types';
import { sha256Digest } from './registry-client';
import {
  ATTESTATION_MANIFEST,
  type AttestationDescriptor,
  REFERENCE_DIGEST_ANNOTATION,
  REFERENCE_TYPE_ANNOTATION,
  UNKNOWN_PLATFORM,
} from './attestation-manifest';

const attestation = (subject: string): AttestationDescriptor => ({
  mediaType: MediaType.ociManifest,
  digest: sha256Digest(`att-${subject}`),
  size: 600,
  annotations: { [REFERENCE_DIGEST_ANNOTATION]: subject, [REFERENCE_TYPE_ANNOTATION]: ATTESTATION_MANIFEST },
  platform: UNKNOWN_PLATFORM,
});

const entry = (architecture: string, mediaType: string = MediaType.dockerManifest): PlatformManifest => ({
  digest: sha256Digest(architecture),
  size: 500 + architecture.length,
  mediaType,
  platform: { os: 'linux', architecture },
});

describe('manifest list assembly', () => {
  it('lists each platform with its digest, size and media type', () => {
    const list = buildManifestList([entry('amd64'), entry('arm64')]);
    expect(list.mediaType).toBe(MediaType.dockerManifestList);
    const body = JSON.parse(list.body);
    expect(body).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.dockerManifestList,
      manifests: [
        { mediaType: MediaType.dockerManifest, digest: sha256Digest('amd64'), size: 505, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: MediaType.dockerManifest, digest: sha256Digest('arm64'), size: 505, platform: { os: 'linux', architecture: 'arm64' } },
      ],
    });
  });

  it('makes an OCI index when every child is an OCI manifest', () => {
    const list = buildManifestList([entry('amd64', MediaType.ociManifest), entry('arm64', MediaType.ociManifest)]);
    expect(list.mediaType).toBe(MediaType.ociIndex);
    expect(JSON.parse(list.body).mediaType).toBe(MediaType.ociIndex);
  });

  it('refuses an empty list and duplicate platforms', () => {
    expect(() => buildManifestList([])).toThrow(/at least one/);
    expect(() => buildManifestList([entry('amd64'), entry('amd64')])).toThrow(/linux\/amd64 appears twice/);
  });

  it('with attestations: an OCI index (a Docker list has no annotations), the attestation manifests after the runnable ones, as BuildKit writes them', () => {
    const [amd, arm] = [entry('amd64'), entry('arm64')];
    const list = buildManifestList([amd, arm], [attestation(amd.digest), attestation(arm.digest)]);
    expect(list.mediaType).toBe(MediaType.ociIndex);
    const manifests = JSON.parse(list.body).manifests as Array<{ digest: string; mediaType: string; platform: object; annotations?: object }>;
    expect(manifests.map((m) => m.digest)).toEqual([amd.digest, arm.digest, attestation(amd.digest).digest, attestation(arm.digest).digest]);
    expect(manifests[0]).toEqual({ mediaType: MediaType.dockerManifest, digest: amd.digest, size: amd.size, platform: amd.platform });
    expect(manifests[2]).toEqual({
      mediaType: MediaType.ociManifest,
      digest: attestation(amd.digest).digest,
      size: 600,
      annotations: { 'vnd.docker.reference.digest': amd.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    });
  });

  it('refuses an attestation about a manifest the list does not hold', () => {
    expect(() => buildManifestList([entry('amd64')], [attestation(sha256Digest('other'))])).toThrow(/refers to sha256:[0-9a-f]{64}, which is not in the list/);
  });
});
