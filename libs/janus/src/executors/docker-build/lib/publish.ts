import { splitRef } from '../../../engine/image-ref';
import { type PushCredentials, pushImage } from '../../../engine/push-image';
import { buildManifestList, describePlatformManifest, type PlatformManifest } from '../../../registry/manifest-list';
import { parseImageReference } from '../../../registry/image-reference';
import { RegistryClient } from '../../../registry/registry-client';

export interface PublishedImage {
  indexDigest: string;
  platforms: PlatformManifest[];
}

export function registryCredentials(registry: string, env = process.env): PushCredentials | undefined {
  if (!env.JANUS_REGISTRY_USER) return undefined;
  return { username: env.JANUS_REGISTRY_USER, password: env.JANUS_REGISTRY_PASSWORD ?? '', serveraddress: registry };
}

/**
 * Pushes each platform under its own `<primary>-<arch>` tag, checks the registry recorded the platform that
 * was built, then writes one manifest list under every release tag. Release tags move only after every
 * platform is in the registry, so a failure part-way leaves them where they were.
 */
export async function publishImage(args: {
  repository: string;
  tags: string[];
  platformRefs: Array<{ platform: string; ref: string }>;
  onLine: (line: string) => void;
}): Promise<PublishedImage> {
  const { registry, repository } = parseImageReference(`${args.repository}:x`);
  const credentials = registryCredentials(registry);
  const client = RegistryClient.forHost(registry, { credentials: credentials && { username: credentials.username, password: credentials.password } });
  await client.ping();
  const platforms: PlatformManifest[] = [];
  for (const { platform, ref } of args.platformRefs) {
    await pushImage(ref, credentials, (l) => args.onLine(`[${platform}] ${l}`));
    const { tag } = splitRef(ref);
    const { manifest: _manifest, ...entry } = await describePlatformManifest(client, repository, tag);
    const [os, architecture, variant] = platform.split('/');
    if (entry.platform.os !== os || entry.platform.architecture !== architecture) {
      throw new Error(`${ref} was built for ${platform} but the registry records ${entry.platform.os}/${entry.platform.architecture}`);
    }
    platforms.push({ ...entry, platform: variant ? { ...entry.platform, variant } : entry.platform });
  }
  const list = buildManifestList(platforms);
  let indexDigest = '';
  for (const tag of args.tags) {
    indexDigest = await client.putManifest(repository, tag, list.mediaType, list.body);
    args.onLine(`manifest list ${args.repository}:${tag} → ${indexDigest}`);
  }
  return { indexDigest, platforms };
}
