import { DockerfileModel } from '../../../dockerfile/dockerfile-model';
import { DOCKER_HUB, parseImageReference } from '../../../oci/image-reference';
import { RegistryClient } from '../../../registry/registry-client';

export interface BaseImageInfo {
  ref: string;
  digest?: string;
  /** Which registry answered (a mirror, for Docker Hub names, where the engine uses one), or `build log`. */
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
 * The digest BuildKit resolved the base image to, as its log says (`#4 [runtime 1/5] FROM
 * docker.io/library/python:3.11-slim@sha256:…`): what the build really used, known without a registry round
 * trip (nor the ~0.1 s of CPU Node's fetch costs to load) of our own.
 */
export function baseDigestFromBuildLog(lines: readonly string[], ref: string): string | undefined {
  const wanted = parseImageReference(ref);
  for (const line of lines) {
    const from = /\bFROM (\S+)@(sha256:[0-9a-f]{64})\b/.exec(line);
    if (!from) continue;
    const seen = parseImageReference(from[1]);
    if (seen.registry === wanted.registry && seen.repository === wanted.repository && seen.tag === wanted.tag) return from[2];
  }
  return undefined;
}

/**
 * Looks the base image's current digest up in its registry, through the engine's mirrors first for Docker
 * Hub names (that is where the build got it from). Never fails the build: a lookup error is recorded.
 */
export async function resolveBaseImage(ref: string, mirrors: string[]): Promise<BaseImageInfo> {
  if (ref === 'scratch') return { ref };
  const parsed = parseImageReference(ref);
  if (parsed.digest) return { ref, digest: parsed.digest, resolvedVia: 'reference' };
  const hosts = parsed.registry === DOCKER_HUB ? [...mirrors, 'https://registry-1.docker.io'] : [parsed.registry];
  const errors: string[] = [];
  for (const host of hosts) {
    try {
      // forHost: a private registry's CA in the engine's certs.d is trusted here as it is by the build.
      const client = RegistryClient.forHost(host, { timeoutMs: 10_000 });
      const found = await client.headManifest(parsed.repository, parsed.tag ?? 'latest');
      if (found?.digest) return { ref, digest: found.digest, resolvedVia: client.baseUrl };
      errors.push(`${host}: not found`);
    } catch (e) {
      errors.push(`${host}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { ref, error: errors.join('; ') };
}
