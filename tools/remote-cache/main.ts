import { parseArgs } from 'node:util';
import { z } from 'zod';
import { OptionsError, parseOptions } from '../../libs/janus/src/schema/parse-options';
import { startRemoteCacheServer } from './remote-cache-server';
import { RemoteCacheOptionError } from './storage-dir';

const SUBJECT = 'remote cache';

/** A number given as a command-line string; a refusal shows the string as typed, not NaN. */
function numeric(ok: (n: number) => boolean, allowed: string) {
  return z
    .string()
    .refine((v) => v.trim() !== '' && ok(Number(v)), allowed)
    .transform(Number);
}

/** The command line, checked as the plugin checks its options: every bad one named with its value and what is allowed. */
const cliSchema = z
  .object({
    dir: z.string().min(1, 'give the directory entries are kept in (created if missing)'),
    port: numeric((n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number 0-65535 (0: any free port)'),
    host: z.string().min(1, 'give a local address to listen on, e.g. 127.0.0.1'),
    'max-entry-mb': numeric((n) => n > 0, 'a positive number of megabytes'),
    'request-timeout-s': numeric((n) => n > 0, 'a positive number of seconds'),
  })
  .strict();

/** The options as flags: a refusal names `--port`, as the user typed it. */
function parseFlags(values: Record<string, string | undefined>): z.output<typeof cliSchema> {
  try {
    return parseOptions(cliSchema, values, SUBJECT);
  } catch (e) {
    if (!(e instanceof OptionsError)) throw e;
    throw new OptionsError(
      SUBJECT,
      e.problems.map((p) => p.replace(/^'([\w-]+)'/, '--$1')),
    );
  }
}

const FLAGS = { storageDir: '--dir', port: '--port', host: '--host' } as const;

/** `npm run remote-cache -- --dir /var/cache/janus/nx-cache --port 3030`; tokens come from the environment. */
async function main(): Promise<void> {
  const defaults = {
    dir: process.env.JANUS_CACHE_DIR ? `${process.env.JANUS_CACHE_DIR}/nx-cache` : '/var/cache/janus/nx-cache',
    port: '3030',
    host: '127.0.0.1',
    'max-entry-mb': '2048',
    'request-timeout-s': '300',
  };
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({ options: Object.fromEntries(Object.entries(defaults).map(([k, d]) => [k, { type: 'string', default: d }])) }).values as Record<
      string,
      string
    >;
  } catch (e) {
    throw new Error(
      `${SUBJECT}: ${(e as Error).message}; allowed: ${Object.keys(defaults)
        .map((k) => `--${k}`)
        .join(', ')}`,
    );
  }
  const o = parseFlags(values);
  const list = (name: string) =>
    (process.env[name] ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  console.log(`${SUBJECT}: starting on ${o.host}:${o.port}, entries in ${o.dir}`);
  const cache = await startRemoteCacheServer({
    storageDir: o.dir,
    port: o.port,
    host: o.host,
    maxEntryBytes: o['max-entry-mb'] * 1024 * 1024,
    requestTimeoutMs: o['request-timeout-s'] * 1000,
    readWriteTokens: list('JANUS_CACHE_READ_WRITE_TOKENS'),
    readOnlyTokens: list('JANUS_CACHE_READ_ONLY_TOKENS'),
    log: (line) => console.log(line),
  });
  console.log(`Nx remote cache on ${cache.url}, entries in ${o.dir}`);
  const stop = () => void cache.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(e instanceof RemoteCacheOptionError ? e.as(FLAGS[e.option]) : e.message);
  process.exit(1);
});
