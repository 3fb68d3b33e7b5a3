import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PushCredentials } from '../oci/credentials';
import { CommandError, type CommandResult, runCommand } from '../process/run-command';

/** Where the credentials came from, for messages: a refusal names the source so the user knows what to fix. */
export interface FoundCredentials extends PushCredentials {
  source: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The helper protocol's "no entry" answer (docker-credential-helpers' errCredentialsNotFound). */
const NOT_FOUND = /credentials not found/i;
const HELPER_TIMEOUT_MS = 10_000;

/** `~/.docker/config.json`, or `$DOCKER_CONFIG/config.json`, as the docker CLI finds it. */
export function dockerConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

function readDockerConfig(file: string): DockerConfig {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch (e) {
    throw new Error(`janus: ${file} is not valid JSON (${(e as Error).message}); fix or remove it to read registry credentials`);
  }
}

/** The keys docker writes for a registry: the bare host, and for Docker Hub its legacy index URL. */
function keysFor(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
  if (registry === 'docker.io') keys.unshift('https://index.docker.io/v1/', 'index.docker.io');
  return keys;
}

/**
 * Asks `docker-credential-<name> get` (the docker credential-helper protocol: the server URL on stdin, JSON
 * `{ Username, Secret }` on stdout). "credentials not found" is an answer (none), anything else is an error
 * naming the helper, and a helper that does not answer within 10 s is stopped and named.
 */
async function askHelper(name: string, registry: string, configFile: string, env: NodeJS.ProcessEnv): Promise<FoundCredentials | undefined> {
  const bin = `docker-credential-${name}`;
  const signal = AbortSignal.timeout(HELPER_TIMEOUT_MS);
  let result: CommandResult;
  try {
    result = await runCommand(bin, ['get'], { input: registry, env, signal });
  } catch (e) {
    if (signal.aborted) throw new Error(`janus: credential helper ${bin} did not answer for ${registry} within ${HELPER_TIMEOUT_MS / 1000} s`);
    if ((e as { code?: string }).code === 'ENOENT') {
      throw new Error(`janus: ${configFile} names the credential helper '${name}' for ${registry}, but ${bin} is not on PATH`);
    }
    if (!(e instanceof CommandError)) throw e;
    result = e.result;
  }
  const said = (result.stdout + result.stderr).trim();
  if (result.code !== 0) {
    if (NOT_FOUND.test(said)) return undefined;
    throw new Error(`janus: credential helper ${bin} failed for ${registry} (exit ${result.code}${said ? `: ${said.slice(0, 300)}` : ''})`);
  }
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new Error(`janus: credential helper ${bin} answered for ${registry} with something other than JSON {Username, Secret}`);
  }
  if (!answer.Secret) return undefined;
  return { username: answer.Username ?? '', password: answer.Secret, serveraddress: registry, source: bin };
}

/**
 * Credentials for a registry, looked up as the docker CLI does, with the environment first since CI states it
 * on purpose: `JANUS_REGISTRY_USER`/`JANUS_REGISTRY_PASSWORD`; then the Docker config's `credHelpers` entry for
 * the registry, its `auths` entry, its `credsStore`. undefined means anonymous.
 */
export async function registryCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<FoundCredentials | undefined> {
  if (env.JANUS_REGISTRY_USER) {
    return { username: env.JANUS_REGISTRY_USER, password: env.JANUS_REGISTRY_PASSWORD ?? '', serveraddress: registry, source: 'JANUS_REGISTRY_USER' };
  }
  const file = dockerConfigFile(env);
  const config = readDockerConfig(file);
  const keys = keysFor(registry);
  const helper = keys.map((k) => config.credHelpers?.[k]).find(Boolean);
  if (helper) return askHelper(helper, registry, file, env);
  const entry = keys.map((k) => config.auths?.[k]).find(Boolean);
  if (entry?.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Error(`janus: ${file}: auths["${registry}"].auth is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: registry, source: file };
  }
  if (entry?.username) return { username: entry.username, password: entry.password ?? '', serveraddress: registry, source: file };
  if (config.credsStore) return askHelper(config.credsStore, registry, file, env);
  return undefined;
}
