import type Docker from 'dockerode';
import { repositoryAndTag } from '../oci/image-reference';
import { registryTimeoutMs } from '../oci/registry-timeouts';
import type { PushCredentials } from '../oci/credentials';
import { currentEngine, dockerClient, engineApi } from './docker-client';
import type { EngineApi, ImageInfo } from './engine-api';
import { followProgress } from './progress-stream';

/** The engine's local image store, as the rest of the plugin sees it: no dockerode types beyond inspect data. */
export type { ImageInfo } from './engine-api';

export interface HistoryEntry {
  createdBy: string;
  size: number;
}

/** The image as the engine has it, or undefined when it has none by that name or id. */
export function inspectImage(ref: string, engine: EngineApi = engineApi()): Promise<ImageInfo | undefined> {
  return engine.inspectImage(ref);
}

let tagging: Promise<unknown> = Promise.resolve();

/**
 * Tags one at a time: Podman's compatible API reads an image's names, adds one and writes them back, so tags of
 * one image requested at once lose all but one (seen: four concurrent tags left three). Each takes milliseconds.
 */
export function tagImage(imageId: string, ref: string, engine: EngineApi = engineApi()): Promise<void> {
  const { repo, tag } = repositoryAndTag(ref);
  const done = tagging.then(() => engine.tagImage(imageId, repo, tag));
  tagging = done.catch(() => undefined);
  return done;
}

/** Removes an image only while nothing names it, so a shared layer or a user's tag is never taken away. */
export async function removeIfUntagged(imageId: string, engine: EngineApi = engineApi()): Promise<boolean> {
  const info = await inspectImage(imageId, engine).catch(() => undefined);
  if (!info || (info.RepoTags ?? []).length > 0) return false;
  return engine
    .removeImage(imageId)
    .then(() => true)
    .catch(() => false);
}

export async function imageHistory(ref: string, engine: EngineApi = engineApi()): Promise<HistoryEntry[]> {
  const history = await engine.imageHistory(ref);
  return history.map((h) => ({ createdBy: h.CreatedBy ?? '', size: h.Size ?? 0 }));
}

/** What a push did: the short diff ids of the layers it uploaded (not those the registry had or mounted). */
export interface PushResult {
  uploadedDiffIds: string[];
}

/**
 * How long a push may go without a progress event. Docker reports each layer as it goes; Podman's compatible API
 * says nothing between "The push refers to…" and the digest, while it compresses every layer it has not pushed to
 * that registry before (31 s for a 389 MB base here), so its pushes are allowed ten registry deadlines of silence.
 */
function pushSilenceMs(): number {
  return currentEngine().kind === 'podman' ? 10 * registryTimeoutMs() : registryTimeoutMs();
}

/**
 * Pushes one local tag through the Engine API; progress lines (other than the chatty ones) go to `onLine`. No
 * progress for `stallMs` fails the push naming what it waited for (see followProgress).
 */
export async function pushImage(
  ref: string,
  auth?: PushCredentials,
  onLine?: (line: string) => void,
  stallMs = pushSilenceMs(),
  docker: Docker = dockerClient(),
): Promise<PushResult> {
  const { repo, tag } = repositoryAndTag(ref);
  const stream = await docker
    .getImage(repo)
    .push({ tag, authconfig: auth && { username: auth.username, password: auth.password, serveraddress: auth.serveraddress } });
  const uploaded = new Set<string>();
  await followProgress(
    docker,
    stream,
    `push ${ref}`,
    (event) => {
      if (event.status === 'Pushed' && event.id) uploaded.add(event.id);
      if (onLine && event.status && !/Preparing|Waiting|Pushing/.test(event.status)) onLine(`${event.id ? `${event.id}: ` : ''}${event.status}`);
    },
    stallMs,
  );
  return { uploadedDiffIds: [...uploaded] };
}

/**
 * The image as the local engine has it, pulled first when only the registry has it (e.g. after an Nx cache hit),
 * with `auth` for a private registry. The engine answers a pull only once the registry has, and waits for it
 * as long as it likes: the pull must start, and then progress, within the registry deadline.
 */
export async function ensureImage(ref: string, engine: EngineApi = engineApi(), auth?: PushCredentials): Promise<ImageInfo> {
  const present = await inspectImage(ref, engine);
  if (present) return present;
  const docker = dockerClient();
  const deadlineMs = registryTimeoutMs();
  try {
    const starting = new AbortController();
    const timer = setTimeout(() => starting.abort(), deadlineMs);
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.pull(ref, { abortSignal: starting.signal, authconfig: auth && { ...auth } });
    } catch (e) {
      if (starting.signal.aborted) {
        throw new Error(
          `the engine did not start the pull within ${deadlineMs / 1000} s (it waits for the registry's first answer); is the registry answering?`,
        );
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
    await followProgress(docker, stream, `pull ${ref}`, undefined, deadlineMs);
  } catch (e) {
    // The engine's status for a failed pull is its own (500 for a registry it could not reach), not the registry's.
    const why = (e as Error).message.replace(/^pull \S+ failed: /, '').replace(/^\(HTTP code \d+\) [^-]*- /, '');
    throw new Error(`image ${ref} is not in the local engine and pulling it failed: ${why}`);
  }
  const pulled = await inspectImage(ref, engine);
  if (!pulled) throw new Error(`image ${ref} was pulled but the engine does not show it`);
  return pulled;
}

/** The registry mirrors the engine uses for Docker Hub names (where a build's `FROM python:…` really came from). */
export async function engineMirrors(engine: EngineApi = engineApi()): Promise<string[]> {
  const info = await engine.info();
  // Docker lists them in Mirrors; Podman (registries.conf) under docker.io's index config, and Mirrors stays empty.
  return [...(info.RegistryConfig?.Mirrors ?? []), ...(info.RegistryConfig?.IndexConfigs?.['docker.io']?.Mirrors ?? [])];
}

/** `docker save` of one image: a tar of its config and layers, streamed (layers can be hundreds of MB). */
export async function saveImage(ref: string, docker: Docker = dockerClient()): Promise<NodeJS.ReadableStream> {
  return docker.getImage(ref).get();
}
