import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { runCommand } from '../../janus/src/process/run-command';
import { nxCliEnv } from './nx-cli-env';
import { REPO_ROOT } from '../../../tools/repo-root';

/** A new "machine" for the fleet specs: a clone of `origin` in `dir`, sharing its node_modules. */
export async function cloneMachine(origin: string, dir: string): Promise<string> {
  await runCommand('git', ['clone', '-q', origin, dir]);
  symlinkSync(join(origin, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** One machine's `nx`, with the remote cache its CI would configure (none: its local cache only); resolves to its output. */
export async function nxOnMachine(clone: string, args: string[], cache: { url: string; token: string } | undefined): Promise<string> {
  const env = nxCliEnv({
    // each machine its own local cache (node_modules is shared here, so say where)
    NX_CACHE_DIRECTORY: join(clone, '.nx/cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(clone, '.nx/workspace-data'),
    ...(cache ? { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: cache.token } : {}),
  });
  const r = await runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), [...args, '--output-style=stream'], { cwd: clone, env });
  return stripVTControlCharacters(r.stdout + r.stderr);
}
