import type { PushCredentials } from '../engine/image-store';

/** Credentials for a registry from the environment (JANUS_REGISTRY_USER / JANUS_REGISTRY_PASSWORD), if given. */
export function registryCredentials(registry: string, env = process.env): PushCredentials | undefined {
  if (!env.JANUS_REGISTRY_USER) return undefined;
  return { username: env.JANUS_REGISTRY_USER, password: env.JANUS_REGISTRY_PASSWORD ?? '', serveraddress: registry };
}
