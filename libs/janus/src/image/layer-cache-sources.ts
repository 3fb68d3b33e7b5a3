import type { LayerCacheRequest } from '../engine/build-engines/build-engine';
import { parseImageReference } from '../oci/image-reference';
import { registryFor, type RegistryTarget } from './publish-image';

/** Whether the registry has the image: undefined when it cannot say (unreachable, refused), so BuildKit decides. */
async function exists(ref: string, lookup: (image: string) => Promise<RegistryTarget>): Promise<boolean | undefined> {
  const { registry, repository, tag, digest } = parseImageReference(ref);
  try {
    const target = await lookup(`${registry}/${repository}`);
    return (await target.client.headManifest(repository, digest ?? tag ?? 'latest')) !== null;
  } catch {
    return undefined;
  }
}

/**
 * The layer-cache sources that are in their registry. BuildKit prints `ERROR: <ref>: not found` for every one that
 * is not (every first build of a project, before anything is pushed) and then builds anyway; a source known to be
 * missing is left out instead, with one quiet line, so an ERROR in a build log always means something.
 */
export async function existingCacheSources(
  cache: LayerCacheRequest | undefined,
  say: (line: string) => void,
  // The build's own lookup, so the registry's credentials (a credential helper) are asked once per run, not per question.
  lookup: (image: string) => Promise<RegistryTarget> = registryFor,
): Promise<LayerCacheRequest | undefined> {
  if (!cache) return cache;
  const refs = [...cache.from, ...(cache.registryRef ? [cache.registryRef] : [])];
  const found = await Promise.all(refs.map((r) => exists(r, lookup)));
  const missing = refs.filter((_, i) => found[i] === false);
  if (!missing.length) return cache;
  say(`layer cache: ${missing.join(', ')} not in the registry yet; building without ${missing.length === 1 ? 'it' : 'them'}`);
  const registryRefMissing = cache.registryRef !== undefined && missing.includes(cache.registryRef);
  return { ...cache, from: cache.from.filter((r) => !missing.includes(r)), ...(registryRefMissing ? { importRegistryRef: false } : {}) };
}
