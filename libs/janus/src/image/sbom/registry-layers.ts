import type { RegistryClient } from '../../registry/registry-client';
import type { ImageLayer } from './image-files';
import { SbomError } from './image-files';

/** The layers of a platform manifest in the registry, base first, each read by digest when its turn comes. */
export async function registryLayers(client: RegistryClient, repository: string, digest: string): Promise<ImageLayer[]> {
  const manifest = await client.getSingleManifest(repository, digest);
  const layers = (manifest.json.layers as Array<{ digest?: string; mediaType?: string; size?: number }> | undefined) ?? [];
  return layers.map((l, i) => {
    if (!l.digest) throw new SbomError(`#${i + 1} of ${digest}`, undefined, 'the manifest names no digest for it');
    const layerDigest = l.digest;
    return {
      digest: layerDigest,
      mediaType: l.mediaType ?? '',
      read: () =>
        client.getBlob(repository, layerDigest, l.size).catch((e: Error) => {
          throw new SbomError(layerDigest, undefined, `cannot be read from the registry (${e.message.split('\n')[0]})`);
        }),
    };
  });
}
