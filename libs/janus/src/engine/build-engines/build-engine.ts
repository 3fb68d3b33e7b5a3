import type { BaseImageParts } from '../../oci/base-image-parts';

export interface PlatformBuildRequest {
  context: string;
  file: string;
  target?: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  /** `id=…,src=…` specs, handed to BuildKit as secret mounts, never to a layer. */
  secrets: string[];
  network?: string;
  platform: string;
  /** Build every step afresh (`--no-cache`). */
  noCache?: boolean;
  /** Look up a newer base image even when the engine has one (`--pull`). */
  pull?: boolean;
  /**
   * Seconds since the epoch: every file time in the layers this build makes is set to this, so the same
   * sources give the same layer digests on every machine, whatever its build cache held.
   */
  layerTime?: number;
  /** BuildKit's layer cache through the registry, so machines that never built an image reuse its layers. */
  layerCache?: LayerCacheRequest;
  /** The image the final stage is built FROM (`scratch` for none): its layers are never rewritten. */
  baseImage?: string;
  /** Reads the base image's layers (from its registry): given by the caller, since the engine never talks to a registry. */
  readBaseImage?: (ref: string, platform: string) => Promise<BaseImageParts>;
  /**
   * Images an earlier build recorded (and the Nx cache may restore a record of): never removed, even untagged,
   * when this build happens to reproduce one as an intermediate it would otherwise clean up.
   */
  keepImages?: ReadonlySet<string>;
  onLine: (line: string) => void;
  signal?: AbortSignal;
}

export interface LayerCacheRequest {
  /** Images whose layers (with inline cache metadata, or a registry cache) a build may reuse. */
  from: string[];
  /** Embed cache metadata in the image (BUILDKIT_INLINE_CACHE), so pushing it is what exports the cache. */
  inline: boolean;
  /** A registry cache reference to import and (when `write`) export with `mode=max`: needs buildx. */
  registryRef?: string;
  /** false when the registry cache does not exist yet: it is written, not read. */
  importRegistryRef?: boolean;
  /** false for untrusted builds (pull requests): they read the shared cache and never write it. */
  write: boolean;
}

export interface BuiltImage {
  platform: string;
  /** The image id in the local engine; the image is untagged until the caller tags it. */
  imageId: string;
}

/**
 * What the docker-build executor needs from an engine: build one platform into the local image store.
 * Tagging, sizing and pushing go through the Engine API, which docker and podman both serve.
 */
export interface BuildEngine {
  readonly name: 'buildx' | 'docker' | 'podman';
  buildPlatform(req: PlatformBuildRequest): Promise<BuiltImage>;
}
