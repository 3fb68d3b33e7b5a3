import type Docker from 'dockerode';

export interface ProgressEvent {
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  progressDetail?: { current?: number; total?: number };
}

/**
 * Reads an Engine API progress stream (pull, push) to its end. The engine reports failures inside the stream,
 * not as an HTTP status, so an error event becomes a thrown error saying what was being done.
 */
export function followProgress(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  what: string,
  onEvent?: (event: ProgressEvent) => void,
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: ProgressEvent[]) => {
        const failed = err?.message ?? events.find((e) => e.error)?.error;
        if (failed) reject(new Error(`${what} failed: ${failed}`));
        else resolve(events);
      },
      onEvent,
    );
  });
}
