import { DockerfileModel } from '../../../dockerfile/dockerfile-model';
import { DOCKER_HUB, parseImageReference } from '../../../registry/image-reference';
import { RegistryClient, registryBaseUrl } from '../../../registry/registry-client';

export interface BaseImageInfo {
  ref: string;
  digest?: string;
  /** Which registry answered (a mirror, for Docker Hub names, where the engine uses one). */
  resolvedVia?: string;
  error?: string;
}

/**
 * The image the final stage (or `target`) builds FROM, following stage aliases and resolving ARGs the way
 * BuildKit does: global ARG defaults, overridden by the build args that name a declared ARG.
 */
export function finalBaseImage(dockerfile: string, buildArgs: Record<string, string>, target?: string): string | undefined {
  const model = new DockerfileModel(dockerfile, { buildArgs, unsetVariables: 'empty' });
  const stage = target ? model.stageNamed(target) : model.finalStage;
  return (stage && model.baseImage(stage)) || undefined;
}

/**
 * Looks the base image's current digest up in its registry, through the engine's mirrors first for Docker
 * Hub names (that is where the build got it from). Never fails the build: a lookup error is recorded.
 */
export async function resolveBaseImage(ref: string, mirrors: string[]): Promise<BaseImageInfo> {
  if (ref === 'scratch') return { ref };
  const parsed = parseImageReference(ref);
  if (parsed.digest) return { ref, digest: parsed.digest, resolvedVia: 'reference' };
  const hosts = parsed.registry === DOCKER_HUB ? [...mirrors, 'https://registry-1.docker.io'] : [registryBaseUrl(parsed.registry)];
  const errors: string[] = [];
  for (const host of hosts) {
    try {
      const client = new RegistryClient(host.replace(/\/+$/, ''), { timeoutMs: 10_000 });
      const found = await client.headManifest(parsed.repository, parsed.tag ?? 'latest');
      if (found?.digest) return { ref, digest: found.digest, resolvedVia: host };
      errors.push(`${host}: not found`);
    } catch (e) {
      errors.push(`${host}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { ref, error: errors.join('; ') };
}
