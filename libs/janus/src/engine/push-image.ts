import type Docker from 'dockerode';
import { dockerClient } from './docker-client';
import { splitRef } from './image-ref';

export interface PushCredentials {
  username: string;
  password: string;
  serveraddress: string;
}

/**
 * Pushes one local tag through the Engine API. The engine reports failures inside the progress stream, not
 * as an HTTP status, so the stream is read to the end and its error events turned into a thrown error.
 */
export async function pushImage(ref: string, auth?: PushCredentials, onLine?: (line: string) => void, docker: Docker = dockerClient()): Promise<void> {
  const { repo, tag } = splitRef(ref);
  const stream = await docker.getImage(repo).push({ tag, authconfig: auth });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: Array<{ error?: string }>) => {
        const failed = err?.message ?? events.find((e) => e.error)?.error;
        if (failed) reject(new Error(`push ${ref} failed: ${failed}`));
        else resolve();
      },
      (event: { status?: string; id?: string; error?: string }) => {
        if (onLine && event.status && !/Preparing|Waiting|Pushing/.test(event.status)) onLine(`${event.id ? `${event.id}: ` : ''}${event.status}`);
      },
    );
  });
}
