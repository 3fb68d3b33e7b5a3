import { registryTimeoutMs } from '../oci/registry-timeouts';
import type { ContainerEngine, HistoryEntry, ImageInfo, PushCredentials, PushResult } from './container-engine';
import { containerEngine, currentEngine } from './docker-client';
import { UserError } from '../errors/user-error';

/** The engine's local image store, as the rest of the plugin sees it: no Engine API types beyond inspect data. */
export type { HistoryEntry, ImageInfo, PushCredentials, PushResult } from './container-engine';

/** The image as the engine has it, or undefined when it has none by that name or id. */
export function inspectImage(ref: string, engine: ContainerEngine = containerEngine()): Promise<ImageInfo | undefined> {
  return engine.images.inspect(ref);
}

let tagging: Promise<unknown> = Promise.resolve();

/**
 * Tags one at a time: Podman's compatible API reads an image's names, adds one and writes them back, so tags of
 * one image requested at once lose all but one (seen: four concurrent tags left three). Each takes milliseconds.
 */
export function tagImage(imageId: string, ref: string, engine: ContainerEngine = containerEngine()): Promise<void> {
  const done = tagging.then(() => engine.images.tag(imageId, ref));
  tagging = done.catch(() => undefined);
  return done;
}

/** Removes an image only while nothing names it, so a shared layer or a user's tag is never taken away. */
export async function removeIfUntagged(imageId: string, engine: ContainerEngine = containerEngine()): Promise<boolean> {
  const info = await inspectImage(imageId, engine).catch(() => undefined);
  if (!info || (info.RepoTags ?? []).length > 0) return false;
  return engine.images.remove(imageId).catch(() => false);
}

export function imageHistory(ref: string, engine: ContainerEngine = containerEngine()): Promise<HistoryEntry[]> {
  return engine.images.history(ref);
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
export function pushImage(
  ref: string,
  auth?: PushCredentials,
  onLine?: (line: string) => void,
  stallMs = pushSilenceMs(),
  engine: ContainerEngine = containerEngine(),
): Promise<PushResult> {
  return engine.images.push(ref, { auth, onLine, stallMs });
}

/**
 * The image as the local engine has it, pulled first when only the registry has it (e.g. after an Nx cache hit),
 * with `auth` for a private registry. The engine answers a pull only once the registry has, and waits for it
 * as long as it likes: the pull must start, and then progress, within the registry deadline.
 */
export async function ensureImage(ref: string, engine: ContainerEngine = containerEngine(), auth?: PushCredentials): Promise<ImageInfo> {
  const present = await inspectImage(ref, engine);
  if (present) return present;
  try {
    await engine.images.pull(ref, { auth, deadlineMs: registryTimeoutMs() });
  } catch (e) {
    // The engine's status for a failed pull is its own (500 for a registry it could not reach), not the registry's.
    const why = (e as Error).message.replace(/^pull \S+ failed: /, '').replace(/^\(HTTP code \d+\) [^-]*- /, '');
    throw new UserError(`image ${ref} is not in the local engine and pulling it failed: ${why}`);
  }
  const pulled = await inspectImage(ref, engine);
  if (!pulled) throw new Error(`image ${ref} was pulled but the engine does not show it`);
  return pulled;
}

/** The registry mirrors the engine uses for Docker Hub names (where a build's `FROM python:…` really came from). */
export function engineMirrors(engine: ContainerEngine = containerEngine()): Promise<string[]> {
  return engine.images.mirrors();
}

/** `docker save` of one image: a tar of its config and layers, streamed (layers can be hundreds of MB). */
export function saveImage(ref: string, engine: ContainerEngine = containerEngine()): Promise<NodeJS.ReadableStream> {
  return engine.images.save(ref);
}
