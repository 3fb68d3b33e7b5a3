import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseImageReference } from '../oci/image-reference';

/** A service as far as janus needs it: its image and its healthcheck. */
export interface ComposeService {
  name: string;
  /** The image as written, `${VAR:-default}` interpolations included. */
  image: string;
  /** Repository path the image names (`gateway` for `localhost:5000/gateway:${JANUS_TAG:-latest}`), to find its project. */
  repository: string;
  /** Whether compose can tell healthy from started: a healthcheck in the file (the image's own is not visible here). */
  healthcheckInFile: boolean;
}

export class ComposeFileError extends Error {
  constructor(file: string, problem: string) {
    super(`janus: compose file ${file}: ${problem}`);
    this.name = 'ComposeFileError';
  }
}

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}` resolved against `env` (default used when unset), as compose does. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g, (_m, name: string, op: string | undefined, def: string | undefined) => {
    const value = env[name];
    if (op === ':-') return value ? value : (def ?? '');
    if (op === '-') return value ?? def ?? '';
    return value ?? '';
  });
}

/**
 * The services of a compose file that janus drives. Every service must name an image and none may build:
 * images come from the projects' docker-build (tested, tagged, recorded), never from compose building them.
 */
export function readComposeServices(file: string, text = existsSync(file) ? readFileSync(file, 'utf8') : undefined): ComposeService[] {
  if (text === undefined) throw new ComposeFileError(file, 'not found');
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ComposeFileError(file, `is not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const services = (doc as { services?: unknown } | null)?.services;
  if (!services || typeof services !== 'object' || Array.isArray(services) || Object.keys(services).length === 0) {
    throw new ComposeFileError(file, "has no 'services' map; a compose file lists its services under 'services:'");
  }
  return Object.entries(services as Record<string, Record<string, unknown> | null>).map(([name, svc]) => {
    if ('build' in (svc ?? {})) {
      throw new ComposeFileError(
        file,
        `service '${name}' has 'build': compose must not build images; name the image the project's docker-build makes (e.g. image: localhost:5000/${name}:\${JANUS_TAG:-latest})`,
      );
    }
    const image = svc?.image;
    if (typeof image !== 'string' || !image) {
      throw new ComposeFileError(file, `service '${name}' has no 'image' (allowed: an image reference such as localhost:5000/${name}:\${JANUS_TAG:-latest})`);
    }
    // The repository does not depend on the tag variable: resolve interpolations with their defaults.
    const resolved = interpolate(image, {});
    let repository: string;
    try {
      repository = parseImageReference(resolved).repository;
    } catch (e) {
      throw new ComposeFileError(file, `service '${name}': image ${JSON.stringify(image)} is not an image reference (${(e as Error).message})`);
    }
    return { name, image, repository, healthcheckInFile: Boolean(svc && typeof svc === 'object' && 'healthcheck' in svc) };
  });
}

export { COMPOSE_FILE_NAMES } from './compose-file-names';
