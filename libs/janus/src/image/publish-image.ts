import type { BuilderEngine } from '../engine/builder-endpoints';
import { containerEngine } from '../engine/docker-client';
import { pushImage, tagImage } from '../engine/image-store';
import { type FoundCredentials, registryCredentials } from '../registry/credentials';
import type { AttestationDescriptor } from '../registry/attestation-manifest';
import { parseImageReference } from '../oci/image-reference';
import { buildManifestList, describePlatformManifest, type ManifestList, type PlatformManifest } from '../registry/manifest-list';
import { RegistryClient, sha256Digest } from '../registry/registry-client';
import { matchesPlatform, parsePlatform } from '../oci/platform';
import { UserError } from '../errors/user-error';

/** A registry repository with a client that answers its challenges with the credentials found for it. */
export interface RegistryTarget {
  client: RegistryClient;
  /** Host[:port] as the engine names it. */
  registry: string;
  /** Path inside the registry. */
  repository: string;
  credentials?: FoundCredentials;
}

/** The registry and repository of `<registry>/<image>`, with credentials from the environment or the Docker config. */
export async function registryFor(image: string, asked?: Map<string, Promise<FoundCredentials | undefined>>): Promise<RegistryTarget> {
  const ref = parseImageReference(`${image}:x`);
  // `asked`: one run's answers per registry, so a credential helper is asked once however many lookups the run makes.
  if (asked && !asked.has(ref.registry)) asked.set(ref.registry, registryCredentials(ref.registry));
  const credentials = await (asked ? asked.get(ref.registry)! : registryCredentials(ref.registry));
  const client = RegistryClient.forHost(ref.registry, {
    credentials: credentials && { username: credentials.username, password: credentials.password },
    credentialSource: credentials?.source,
  });
  return { client, registry: ref.registry, repository: ref.repository, credentials };
}

/** The registry answers, trusts the credentials, and lets them push to the repository; nothing is written. */
export async function checkPushTarget(target: RegistryTarget): Promise<void> {
  await target.client.ping();
  await target.client.checkPushAccess(target.repository);
}

/**
 * The registry tag a platform image is staged under: named after its image id, so it never moves to another
 * image (a concurrent build of another commit cannot take it away) and keeps the manifest tagged, which is what
 * protects it from a registry's garbage collection of untagged manifests while records still point at it.
 */
export function stagingTag(imageId: string): string {
  return `build-${imageId.replace(/^sha256:/, '').slice(0, 16)}`;
}

/** A platform image in the registry under its staging tag, with what its push uploaded. */
export interface StagedPlatform extends PlatformManifest {
  stagingTag: string;
  /** Compressed layer bytes this push sent; 0 when the registry had every layer. */
  uploadedBytes: number;
}

/** Layer bytes of the layers a push uploaded, matched through the config's diff ids (the ids push progress names). */
function uploadedBytes(manifest: Record<string, unknown>, diffIds: string[], uploaded: string[]): number {
  const layers = (manifest.layers as Array<{ size?: number }> | undefined) ?? [];
  const short = new Set(uploaded);
  return diffIds.reduce((sum, d, i) => (short.has(d.replace(/^sha256:/, '').slice(0, 12)) ? sum + (layers[i]?.size ?? 0) : sum), 0);
}

/**
 * Pushes each platform image from the local engine under its staging tag and checks the registry recorded the
 * platform that was built. No release tag moves here. The local staging tag exists only for the push.
 */
export async function stagePlatforms(
  target: RegistryTarget,
  image: string,
  /** `engine`: the engine the image is in (its platform's builder); the local engine when absent. */
  platforms: Array<{ platform: string; imageId: string; engine?: Pick<BuilderEngine, 'door'> }>,
  onLine: (line: string) => void,
  /** Registers the local staging tag while it exists, so an interrupted run (Ctrl-C mid-push) removes it too. */
  track: (what: string, undo: () => Promise<unknown>) => () => void = () => () => undefined,
): Promise<StagedPlatform[]> {
  await checkPushTarget(target);
  const staged: StagedPlatform[] = [];
  for (const { platform, imageId, engine } of platforms) {
    const tag = stagingTag(imageId);
    const localRef = `${image}:${tag}`;
    const door = engine?.door ?? containerEngine();
    const tagging = tagImage(imageId, localRef, door);
    // Untags only: the platform's own tag still names the image. After the tag request settles, so an
    // interrupt while it is on its way does not remove nothing and then see the tag appear.
    const untag = () =>
      tagging
        .catch(() => undefined)
        .then(() => door.images.remove(localRef))
        .catch(() => undefined);
    const untrack = track(`removing the local tag ${localRef}`, untag);
    await tagging;
    let pushed;
    try {
      pushed = await pushImage(localRef, target.credentials, (l) => onLine(`[${platform}] ${l}`), undefined, door);
    } finally {
      await untag();
      untrack();
    }
    const { manifest, diffIds, ...entry } = await describePlatformManifest(target.client, target.repository, tag);
    const wanted = parsePlatform(platform);
    if (!matchesPlatform(wanted, entry.platform)) {
      throw new UserError(`${localRef} was built for ${platform} but the registry records ${entry.platform.os}/${entry.platform.architecture}`);
    }
    const bytes = uploadedBytes(manifest.json, diffIds, pushed.uploadedDiffIds);
    onLine(`[${platform}] pushed by digest as ${target.registry}/${target.repository}@${entry.digest} (${tag}), ${bytes} layer bytes uploaded`);
    staged.push({
      ...entry,
      platform: wanted.variant ? { ...entry.platform, variant: wanted.variant } : entry.platform,
      stagingTag: tag,
      uploadedBytes: bytes,
    });
  }
  return staged;
}

/**
 * The registry's own account of platform images recorded by digest: each must still be there and be the
 * platform the record says. Nothing is read from the local engine, so a machine that restored the build
 * record from a shared cache can publish what another machine built.
 */
export async function platformsInRegistry(target: RegistryTarget, platforms: Array<{ platform: string; digest: string }>): Promise<PlatformManifest[]> {
  const found: PlatformManifest[] = [];
  for (const { platform, digest } of platforms) {
    const {
      manifest: _m,
      diffIds: _d,
      ...entry
    } = await describePlatformManifest(target.client, target.repository, digest).catch((e: Error) => {
      throw new UserError(`${target.registry}/${target.repository}@${digest} (${platform}) cannot be read from the registry: ${e.message}`);
    });
    const wanted = parsePlatform(platform);
    if (!matchesPlatform(wanted, entry.platform)) {
      throw new UserError(
        `${target.repository}@${digest} is recorded as ${platform} but the registry says ${entry.platform.os}/${entry.platform.architecture}`,
      );
    }
    found.push({ ...entry, platform: wanted.variant ? { ...entry.platform, variant: wanted.variant } : entry.platform });
  }
  return found;
}

/** A manifest list over staged platforms, ready to go up under the release tags. */
export interface Publication {
  list: ManifestList;
  /** The digest the list will have under every tag: known before any tag moves. */
  indexDigest: string;
  /** Moves every release tag to the list; the only step that changes what users pull. */
  publish(onLine: (line: string) => void): Promise<void>;
}

/**
 * Each tag moves in one manifest PUT, so it is always on the old list or the new one. If the registry fails
 * between tags, the tags already moved are put back on what they named before (when the registry answers), and
 * the error names every tag's state, so release tags never disagree silently.
 */
export function preparePublication(
  target: RegistryTarget,
  tags: string[],
  platforms: PlatformManifest[],
  /** Already in the registry by digest: the index, which names them, goes up after them. */
  attestations: readonly AttestationDescriptor[] = [],
): Publication {
  const list = buildManifestList(platforms, attestations);
  const indexDigest = sha256Digest(list.body);
  return {
    list,
    indexDigest,
    async publish(onLine) {
      const { client, repository } = target;
      const before = new Map<string, { digest: string; mediaType: string; body: Buffer } | null>();
      for (const tag of tags) {
        const head = await client.headManifest(repository, tag);
        before.set(tag, head && head.digest !== indexDigest ? await client.getManifest(repository, head.digest) : null);
      }
      const moved: string[] = [];
      try {
        for (const tag of tags) {
          await client.putManifest(repository, tag, list.mediaType, list.body);
          moved.push(tag);
          onLine(`manifest list ${target.registry}/${repository}:${tag} → ${indexDigest}`);
        }
      } catch (e) {
        const restored: string[] = [];
        for (const tag of moved) {
          const old = before.get(tag);
          if (!old) continue;
          await client
            .putManifest(repository, tag, old.mediaType, old.body)
            .then(() => restored.push(tag))
            .catch(() => undefined);
        }
        const stuck = moved.filter((t) => before.get(t) && !restored.includes(t));
        throw new UserError(
          `${(e as Error).message}\npublishing stopped: ${tags.length - moved.length} of ${tags.length} tags were not moved` +
            (restored.length ? `; put back on their previous list: ${restored.join(', ')}` : '') +
            (stuck.length ? `; STILL ON THE NEW LIST (the registry did not answer the roll-back): ${stuck.join(', ')}` : ''),
          { cause: e },
        );
      }
    },
  };
}
