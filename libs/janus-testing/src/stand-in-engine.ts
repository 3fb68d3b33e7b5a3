import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StandInEngine {
  socketPath: string;
  close(): Promise<void>;
}

/** An HTTP server on a unix socket in a temporary directory, standing in for an engine's API socket. */
export async function standInEngine(handler: RequestListener): Promise<StandInEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'janus-engine-'));
  const socketPath = join(dir, 'engine.sock');
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
