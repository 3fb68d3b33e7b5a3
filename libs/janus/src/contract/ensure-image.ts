import type Docker from 'dockerode';
import { dockerClient } from '../engine/docker-client';

/** The image as the local engine has it, pulled first when only the registry has it (e.g. after an Nx cache hit). */
export async function ensureImage(ref: string, docker = dockerClient()): Promise<Docker.ImageInspectInfo> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  const stream = await docker.pull(ref);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) => {
      const failed = err?.message ?? events.find((ev) => ev.error)?.error;
      if (failed) reject(new Error(`image ${ref} is not in the local engine and pulling it failed: ${failed}`));
      else resolve();
    }),
  );
  return docker.getImage(ref).inspect();
}
