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
 * not as an HTTP status, so an error event becomes a thrown error saying what was being done. The engine waits
 * on a stalled registry for as long as it likes, so with `stallMs` no event for that long closes the stream
 * (which cancels the engine's work) and fails naming the last thing it was waiting for.
 */
export function followProgress(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  what: string,
  onEvent?: (event: ProgressEvent) => void,
  stallMs?: number,
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    let last = 'the first progress event';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (!stallMs) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        (stream as unknown as { destroy?: () => void }).destroy?.();
        reject(new Error(`${what}: no progress for ${stallMs / 1000} s while waiting for ${last}; is the registry answering?`));
      }, stallMs);
    };
    arm();
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: ProgressEvent[]) => {
        clearTimeout(timer);
        const failed = err?.message ?? events.find((e) => e.error)?.error;
        if (failed) reject(new Error(`${what} failed: ${failed}`));
        else resolve(events);
      },
      (event: ProgressEvent) => {
        arm();
        if (event.status) last = `${event.id ? `layer ${event.id}: ` : ''}${event.status}`;
        onEvent?.(event);
      },
    );
  });
}
