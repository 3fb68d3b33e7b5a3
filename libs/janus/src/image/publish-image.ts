import { pushImage } from '../engine/image-store';
import { registryCredentials } from '../registry/credentials';
import { parseImageReference, repositoryAndTag } from '../registry/image-reference';
import { buildManifestList, describePlatformManifest, type ManifestList, type PlatformManifest } from '../registry/manifest-list';
import { RegistryClient, sha256Digest } from '../registry/registry-client';
import { parsePlatform } from './platform';

/** Per-platform images pushed, and the list over them, ready to go up under the release tags. */
export interface StagedPublication {
  platforms: PlatformManifest[];
  list: ManifestList;
  /** The digest the list will have under every tag: known before any tag moves. */
  indexDigest: string;
  /** Moves every release tag to the list; the only step that changes what users pull. */
  publish(onLine: (line: string) => void): Promise<void>;
}

export function registryClientFor(repository: string): { client: RegistryClient; repository: string; registry: string } {
  const ref = parseImageReference(`${repository}:x`);
  const credentials = registryCredentials(ref.registry);
  return {
    client: RegistryClient.forHost(ref.registry, { credentials: credentials && { username: credentials.username, password: credentials.password } }),
    repository: ref.repository,
    registry: ref.registry,
  };
}

/**
 * Pushes each platform under its own `<primary>-<arch>` tag (build-specific tags nobody pulls as a release)
 * and checks the registry recorded the platform that was built. Release tags do not move here: the caller
 * records what it is about to publish, then calls `publish`, so a failure at any step leaves every release
 * tag on the old image or the new one, never a partial list.
 */
export async function stagePublication(args: {
  repository: string;
  tags: string[];
  platformRefs: Array<{ platform: string; ref: string }>;
  onLine: (line: string) => void;
}): Promise<StagedPublication> {
  const { client, repository, registry } = registryClientFor(args.repository);
  await client.ping();
  const credentials = registryCredentials(registry);
  const platforms: PlatformManifest[] = [];
  for (const { platform, ref } of args.platformRefs) {
    await pushImage(ref, credentials, (l) => args.onLine(`[${platform}] ${l}`));
    const { manifest: _manifest, ...entry } = await describePlatformManifest(client, repository, repositoryAndTag(ref).tag);
    const wanted = parsePlatform(platform);
    if (entry.platform.os !== wanted.os || entry.platform.architecture !== wanted.architecture) {
      throw new Error(`${ref} was built for ${platform} but the registry records ${entry.platform.os}/${entry.platform.architecture}`);
    }
    platforms.push({ ...entry, platform: wanted.variant ? { ...entry.platform, variant: wanted.variant } : entry.platform });
  }
  const list = buildManifestList(platforms);
  return {
    platforms,
    list,
    indexDigest: sha256Digest(list.body),
    async publish(onLine) {
      for (const tag of args.tags) {
        const digest = await client.putManifest(repository, tag, list.mediaType, list.body);
        onLine(`manifest list ${args.repository}:${tag} → ${digest}`);
      }
    },
  };
}
