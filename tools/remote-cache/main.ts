import { parseArgs } from 'node:util';
import { startRemoteCacheServer } from './remote-cache-server';

/** `npm run remote-cache -- --dir /var/cache/janus/nx-cache --port 3030`; tokens come from the environment. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: process.env.JANUS_CACHE_DIR ? `${process.env.JANUS_CACHE_DIR}/nx-cache` : '/var/cache/janus/nx-cache' },
      port: { type: 'string', default: '3030' },
      host: { type: 'string', default: '127.0.0.1' },
      'max-entry-mb': { type: 'string', default: '2048' },
    },
  });
  const list = (name: string) =>
    (process.env[name] ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  const port = Number(values.port);
  const maxMb = Number(values['max-entry-mb']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port = ${JSON.stringify(values.port)}: a port number 0-65535`);
  if (!(maxMb > 0)) throw new Error(`--max-entry-mb = ${JSON.stringify(values['max-entry-mb'])}: a positive number of megabytes`);
  const cache = await startRemoteCacheServer({
    storageDir: values.dir,
    port,
    host: values.host,
    maxEntryBytes: maxMb * 1024 * 1024,
    readWriteTokens: list('JANUS_CACHE_READ_WRITE_TOKENS'),
    readOnlyTokens: list('JANUS_CACHE_READ_ONLY_TOKENS'),
    log: (line) => console.log(line),
  });
  console.log(`Nx remote cache on ${cache.url}, entries in ${values.dir}`);
  const stop = () => void cache.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
