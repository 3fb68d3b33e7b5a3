import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** A BuildKit secret as `docker build --secret` takes it: `id=<name>,src=<file>` or `id=<name>,env=<VAR>`. */
export interface SecretSpec {
  id: string;
  source: { kind: 'file'; path: string } | { kind: 'env'; name: string };
}

export interface ResolvedSecret extends SecretSpec {
  /** The spec handed to BuildKit, with an absolute path. */
  spec: string;
  /** The value, kept only to prove later that it appears nowhere in the image. */
  value: string;
}

const ID = /^[\w.-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Nx splits an array option given as `--secrets=id=x,src=/p` at the comma, into `['id=x', 'src=/p']`. A
 * src/source/env/type field continues the spec before it; anything else stands alone (contract-test's
 * `buildSecrets` also takes literal values, which must not be glued onto a spec).
 */
export function rejoinSplitSpecs(items: string[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (out.length && /^\s*id=/.test(out[out.length - 1]) && /^\s*(src|source|env|type)=/.test(item)) out[out.length - 1] += `,${item}`;
    else out.push(item);
  }
  return out;
}

/** Parses one spec; the error says what is wrong with it in words. Only the first `=` of a field splits. */
export function parseSecretSpec(spec: string): SecretSpec {
  const fields: Record<string, string> = {};
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw new Error(`field ${JSON.stringify(field)} is not key=value; a secret looks like id=<name>,src=<file> or id=<name>,env=<VAR>`);
    const key = field.slice(0, eq).trim();
    if (key in fields) throw new Error(`'${key}' is given twice`);
    fields[key] = field.slice(eq + 1);
  }
  const { id, type, src, source, env, ...rest } = fields;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new Error(`unknown field(s) ${unknown.join(', ')}: allowed are id, src (or source), env, type`);
  if (!id || !ID.test(id)) throw new Error(`needs id=<name> (letters, digits, _ . -)`);
  const path = src ?? source;
  if (path !== undefined && env !== undefined) throw new Error('give either src=<file> or env=<VAR>, not both');
  if (type !== undefined && type !== 'file' && type !== 'env') throw new Error(`type=${type}: must be file or env`);
  if (env !== undefined || type === 'env') {
    const name = env ?? path ?? id;
    if (!ENV_NAME.test(name)) throw new Error(`env=${name}: not an environment variable name`);
    return { id, source: { kind: 'env', name } };
  }
  if (path === undefined || path === '') throw new Error('needs src=<file> or env=<VAR>');
  return { id, source: { kind: 'file', path } };
}

/** `~/x` as a shell would expand it (the README's own example uses it); relative paths are from `base`. */
export function secretFilePath(path: string, base: string, home = homedir()): string {
  const expanded = path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
  return isAbsolute(expanded) ? expanded : join(base, expanded);
}

/**
 * Resolves a spec to its value the same way wherever it is needed (the build mounts it, the contract proves
 * it appears nowhere in the image), failing with the option and the reason before any work starts.
 */
export function resolveSecret(spec: string, base: string, env: NodeJS.ProcessEnv = process.env): ResolvedSecret {
  const parsed = parseSecretSpec(spec);
  if (parsed.source.kind === 'env') {
    const value = env[parsed.source.name];
    if (value === undefined) throw new Error(`the environment variable ${parsed.source.name} is not set`);
    return { ...parsed, spec: `id=${parsed.id},env=${parsed.source.name}`, value };
  }
  const path = secretFilePath(parsed.source.path, base);
  if (!existsSync(path)) throw new Error(`the source file ${path} does not exist`);
  if (!statSync(path).isFile()) throw new Error(`the source ${path} is not a file`);
  return { id: parsed.id, source: { kind: 'file', path }, spec: `id=${parsed.id},src=${path}`, value: readFileSync(path, 'utf8') };
}

/** Resolves every spec, collecting one problem line per bad one: `'<option>' = "<spec>": <reason>`. */
export function resolveSecrets(
  specs: string[],
  base: string,
  option: string,
  env: NodeJS.ProcessEnv = process.env,
): { secrets: ResolvedSecret[]; problems: string[] } {
  const secrets: ResolvedSecret[] = [];
  const problems: string[] = [];
  for (const spec of rejoinSplitSpecs(specs)) {
    try {
      secrets.push(resolveSecret(spec, base, env));
    } catch (e) {
      problems.push(`'${option}' = ${JSON.stringify(spec)}: ${(e as Error).message}`);
    }
  }
  return { secrets, problems };
}

/** Values too short to search for (a stray `1`) would match everywhere; trailing newlines are not part of them. */
export function searchableSecretValues(secrets: Array<{ value: string }>): string[] {
  return [...new Set(secrets.map((s) => s.value.trim()).filter((v) => v.length >= 4))];
}
