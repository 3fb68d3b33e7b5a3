import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A server option the server cannot work with: names the option, the value and what would work. */
export class RemoteCacheOptionError extends Error {
  constructor(
    readonly option: 'storageDir' | 'port' | 'host',
    readonly value: string,
    readonly problem: string,
  ) {
    super(`remote cache: '${option}' = ${JSON.stringify(value)}: ${problem}`);
    this.name = 'RemoteCacheOptionError';
  }

  /** The same message with the option as the caller spells it (the CLI's `--dir` for `storageDir`). */
  as(name: string): string {
    return `remote cache: ${name} = ${JSON.stringify(this.value)}: ${this.problem}`;
  }
}

/**
 * Creates the entries directory one level at a time. Node's own `mkdirSync(..., { recursive: true })` never
 * returns for a path under /proc (it retries the ENOENT forever), which left the server silent; a file in
 * the way surfaced as a raw ENOTDIR.
 */
export function prepareStorageDir(dir: string): void {
  const fail = (problem: string) => new RemoteCacheOptionError('storageDir', dir, problem);
  const missing: string[] = [];
  let existing = resolve(dir);
  for (;;) {
    try {
      if (!statSync(existing).isDirectory()) {
        throw fail(`${existing === resolve(dir) ? 'it is' : `${existing} is`} a file, not a directory; give a directory (created if missing)`);
      }
      break;
    } catch (e) {
      if (e instanceof RemoteCacheOptionError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file further up, which the next round names.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fail(`cannot inspect ${existing} (${code}); give a directory the server may create and write`);
      missing.unshift(existing);
      existing = dirname(existing);
    }
  }
  for (const part of missing) {
    try {
      mkdirSync(part);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw fail(`cannot create ${part} in ${existing} (${code}); give a directory the server may create and write`);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw fail('not writable by this process; give a directory it may write');
  }
}
