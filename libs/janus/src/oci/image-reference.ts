export interface ImageReference {
  /** Registry host as the engine names it: `docker.io` for Docker Hub short names. */
  registry: string;
  /** Repository path inside the registry, with `library/` for official Docker Hub images. */
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';

/** `name[:tag][@digest]` as written: the one place a reference is cut into its parts. */
function splitReference(ref: string): { name: string; tag?: string; digest?: string } {
  let name = ref;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  let tag: string | undefined;
  // A colon after the last slash is a tag; one before it is a registry port (`localhost:5000/x`).
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  return { name, tag, digest };
}

/** Parses a reference the way the engine does, so `python:3.11-slim` means docker.io/library/python:3.11-slim. */
export function parseImageReference(ref: string): ImageReference {
  const { name, tag, digest } = splitReference(ref);
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : DOCKER_HUB;
  let repository = hasRegistry ? name.slice(slash + 1) : name;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

/**
 * The repository as written and the tag, as the Engine API's tag and push calls take them:
 * `host:5000/team/app:1.2` → { repo: 'host:5000/team/app', tag: '1.2' }.
 */
export function repositoryAndTag(ref: string): { repo: string; tag: string } {
  const { name, tag } = splitReference(ref);
  return { repo: name, tag: tag ?? 'latest' };
}
