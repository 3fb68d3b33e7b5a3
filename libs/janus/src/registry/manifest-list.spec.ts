import { buildManifestList, type PlatformManifest } from './manifest-list';
import { MediaType } from '../oci/media-types';
import { sha256Digest } from './registry-client';

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
});
