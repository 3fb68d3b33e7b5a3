import type { LayerCacheRequest, PlatformBuildRequest } from './build-engine';
import { UserError } from '../../errors/user-error';

/**
 * The layer cache flags. The classic builder (docker 20.10's BuildKit) imports with `--cache-from <image>` and
 * exports only inline, through the image it pushes; buildx takes typed specs and can also write a registry
 * cache (all stages, `mode=max`), which only a trusted build may do.
 */
export function layerCacheArgs(cache: LayerCacheRequest | undefined, buildx: boolean): string[] {
  if (!cache) return [];
  const args: string[] = [];
  if (!buildx && cache.registryRef) {
    throw new UserError('\'cacheTo\' = "registry" needs a docker CLI with buildx; use cacheTo=inline with this engine');
  }
  const from = cache.registryRef && cache.importRegistryRef !== false ? [cache.registryRef, ...cache.from] : cache.from;
  for (const ref of from) args.push('--cache-from', buildx ? `type=registry,ref=${ref}` : ref);
  if (cache.inline) {
    if (buildx) {
      if (cache.write) args.push('--cache-to', 'type=inline');
    } else {
      args.push('--build-arg', 'BUILDKIT_INLINE_CACHE=1');
    }
  }
  if (buildx && cache.registryRef && cache.write) args.push('--cache-to', `type=registry,ref=${cache.registryRef},mode=max`);
  return args;
}

/** The build flags docker build, docker buildx build and podman build share. */
export function commonBuildArgs(req: PlatformBuildRequest, iidFile?: string): string[] {
  const args = ['--progress=plain', '--platform', req.platform, '--file', req.file, ...(iidFile ? ['--iidfile', iidFile] : [])];
  if (req.target) args.push('--target', req.target);
  if (req.network && req.network !== 'default') args.push('--network', req.network);
  if (req.noCache) args.push('--no-cache');
  if (req.pull) args.push('--pull');
  for (const [k, v] of Object.entries(req.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(req.labels)) args.push('--label', `${k}=${v}`);
  for (const s of req.secrets) args.push('--secret', s);
  args.push(req.context);
  return args;
}
