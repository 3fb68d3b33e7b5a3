import type { BuildEngine } from '../../../engine/build-engines/build-engine';
import { engineMirrors } from '../../../engine/image-store';
import { DOCKER_HUB, parseImageReference } from '../../../oci/image-reference';
import { RegistryClient, registryBaseUrl } from '../../../registry/registry-client';

// BuildKit's words when a FROM image has no manifest for the platform asked for.
const NO_MATCH = /(?:^|\s)(\S+): no match for platform in manifest sha256:[0-9a-f]{12,64}/;

/** The platforms an image index offers (attestation entries, `unknown/unknown`, left out), or undefined for a single-platform image. */
export function indexPlatforms(json: Record<string, unknown>): string[] | undefined {
  const manifests = json.manifests as Array<{ platform?: { os?: string; architecture?: string; variant?: string } }> | undefined;
  if (!Array.isArray(manifests)) return undefined;
  return manifests
    .map((m) => m.platform)
    .filter((p): p is { os: string; architecture: string; variant?: string } => Boolean(p?.os && p.architecture) && p!.os !== 'unknown')
    .map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
}

/**
 * BuildKit's `no match for platform in manifest sha256:…` names neither the platform nor what there is: the
 * failure is rewritten to name the image, the platform asked for and the platforms its index offers (read from
 * its registry, through the engine's mirrors for Docker Hub names), and what to change. Only a failed build
 * pays for the lookup.
 */
export async function explainPlatformMismatch(error: unknown, platform: string, fallbackRef: string | undefined, mirrors: string[]): Promise<unknown> {
  const message = (error as Error)?.message ?? String(error);
  const match = NO_MATCH.exec(message);
  if (!match) return error;
  const ref = match[1] || fallbackRef;
  if (!ref) return error;
  const offered = await platformsOffered(ref, mirrors).catch(() => undefined);
  const what =
    offered === undefined
      ? 'its registry could not be asked which platforms it has'
      : offered.length
        ? `it offers ${offered.join(', ')}`
        : 'it is a single-platform image';
  return new Error(
    `[${platform}] the base image ${ref} has no ${platform} variant (${what}); build only for platforms it offers (--platforms), or choose a base image that has ${platform}`,
  );
}

async function platformsOffered(ref: string, mirrors: string[]): Promise<string[] | undefined> {
  const parsed = parseImageReference(ref);
  const hosts = parsed.registry === DOCKER_HUB ? [...mirrors, 'https://registry-1.docker.io'] : [registryBaseUrl(parsed.registry)];
  for (const host of hosts) {
    const client = new RegistryClient(host.replace(/\/+$/, ''), { timeoutMs: 10_000 });
    const found = await client.getManifest(parsed.repository, parsed.digest ?? parsed.tag ?? 'latest').catch(() => undefined);
    if (found) return indexPlatforms(found.json) ?? [];
  }
  return undefined;
}

/** The engine, with its platform-mismatch failures explained (see explainPlatformMismatch). */
export function explainingPlatformMismatch(engine: BuildEngine, finalBase: string | undefined): BuildEngine {
  return {
    name: engine.name,
    buildPlatform: (req) =>
      engine.buildPlatform(req).catch(async (e: unknown) => {
        throw await explainPlatformMismatch(e, req.platform, finalBase, await engineMirrors().catch(() => []));
      }),
  };
}
