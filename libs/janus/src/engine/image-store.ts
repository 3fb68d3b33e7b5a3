import type Docker from 'dockerode';
import { repositoryAndTag } from '../registry/image-reference';
import { dockerClient, engineApi } from './docker-client';
import type { EngineApi, ImageInfo } from './engine-api';
import { followProgress } from './progress-stream';

/** The engine's local image store, as the rest of the plugin sees it: no dockerode types beyond inspect data. */
export type { ImageInfo } from './engine-api';

export interface HistoryEntry {
  createdBy: string;
  size: number;
}

export interface PushCredentials {
  username: string;
  password: string;
  serveraddress: string;
}

/** The image as the engine has it, or undefined when it has none by that name or id. */
export function inspectImage(ref: string, engine: EngineApi = engineApi()): Promise<ImageInfo | undefined> {
  return engine.inspectImage(ref);
}

export async function tagImage(imageId: string, ref: string, engine: EngineApi = engineApi()): Promise<void> {
  const { repo, tag } = repositoryAndTag(ref);
  await engine.tagImage(imageId, repo, tag);
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
 * Pushes one local tag through the Engine API; progress lines (other than the chatty ones) go to `onLine`. The
 * engine waits on a stalled registry for as long as it likes, so the push has a deadline of its own: no progress
 * event for `stallMs` closes the stream (which cancels the engine's push) and fails naming what it waited for.
 */
export async function pushImage(
  ref: string,
  auth?: PushCredentials,
  onLine?: (line: string) => void,
  stallMs = 60_000,
  docker: Docker = dockerClient(),
): Promise<PushResult> {
  const { repo, tag } = repositoryAndTag(ref);
  const stream = await docker
    .getImage(repo)
    .push({ tag, authconfig: auth && { username: auth.username, password: auth.password, serveraddress: auth.serveraddress } });
  const uploaded = new Set<string>();
  let last = 'the first progress event';
  let timer: NodeJS.Timeout | undefined;
  let stalled!: (e: Error) => void;
  const stall = new Promise<never>((_, reject) => (stalled = reject));
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      stalled(new Error(`push ${ref}: no progress for ${stallMs / 1000} s while waiting for ${last}; is the registry answering?`));
    }, stallMs);
  };
  arm();
  try {
    await Promise.race([
      stall,
      followProgress(docker, stream, `push ${ref}`, (event) => {
        arm();
        if (event.status) last = `${event.id ? `layer ${event.id}: ` : ''}${event.status}`;
        if (event.status === 'Pushed' && event.id) uploaded.add(event.id);
        if (onLine && event.status && !/Preparing|Waiting|Pushing/.test(event.status)) onLine(`${event.id ? `${event.id}: ` : ''}${event.status}`);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return { uploadedDiffIds: [...uploaded] };
}

/** The image as the local engine has it, pulled first when only the registry has it (e.g. after an Nx cache hit). */
export async function ensureImage(ref: string, engine: EngineApi = engineApi()): Promise<ImageInfo> {
  const present = await inspectImage(ref, engine);
  if (present) return present;
  const docker = dockerClient();
  try {
    await followProgress(docker, await docker.pull(ref), `pull ${ref}`);
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
  return info.RegistryConfig?.Mirrors ?? [];
}

/** `docker save` of one image: a tar of its config and layers, streamed (layers can be hundreds of MB). */
export async function saveImage(ref: string, docker: Docker = dockerClient()): Promise<NodeJS.ReadableStream> {
  return docker.getImage(ref).get();
}
