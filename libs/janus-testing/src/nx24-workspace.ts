import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePluginBuilt } from '../../../tools/plugin-build/build-plugin';
import { type CommandResult, CommandError, runCommand } from '../../janus/src/process/run-command';
import { REPO_ROOT } from '../../../tools/repo-root';
import { nxCliEnv } from './nx-cli-env';

/** The Nx 24 a spec runs against: pinned, so the cached install below is exactly what the spec names. */
export const NX24 = { nx: '24.0.7', devkit: '24.0.0' };

const cacheRoot = () => process.env.JANUS_CACHE_DIR ?? '/var/cache/janus';

/**
 * nx and @nx/devkit 24, installed once per machine under the cache folder (outside any clone, so CI pays once).
 * Installed beside the final folder and renamed into place, so a killed install is never taken for a finished one.
 * `--legacy-peer-deps`: nothing here needs another package's peers resolved.
 */
export async function nx24Modules(): Promise<string> {
  const dir = join(cacheRoot(), `nx-${NX24.nx}`);
  const modules = join(dir, 'node_modules');
  if (existsSync(join(modules, 'nx/package.json'))) return modules;
  mkdirSync(cacheRoot(), { recursive: true });
  const staging = mkdtempSync(`${dir}.installing-`);
  try {
    writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'janus-nx24-cache', version: '0.0.0', private: true }));
    await runCommand('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', `nx@${NX24.nx}`, `@nx/devkit@${NX24.devkit}`], { cwd: staging });
    // Another run may have finished first: its install is as good as this one.
    if (!existsSync(join(modules, 'nx/package.json'))) renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return modules;
}

/**
 * A throwaway workspace on Nx 24 with the built janus installed as a user would have it: nx and @nx/devkit 24
 * from the cached install, janus's own dependencies from this repository, and janus a copy of the build (not a
 * link, so it resolves nx from this workspace, not from the repository's Nx 23).
 */
export class Nx24Workspace {
  readonly root: string;
  private readonly nxBin: string;

  private constructor(nx24: string) {
    const { packageRoot } = ensurePluginBuilt({ link: false, log: () => undefined });
    this.root = mkdtempSync(join(tmpdir(), 'janus-nx24-'));
    const bin = (JSON.parse(readFileSync(join(nx24, 'nx/package.json'), 'utf8')) as { bin: Record<string, string> }).bin.nx;
    this.nxBin = join(nx24, 'nx', bin);
    writeFileSync(join(this.root, 'package.json'), JSON.stringify({ name: 'scratch-nx24', version: '0.0.0', private: true }, null, 2));
    writeFileSync(join(this.root, 'nx.json'), JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64' } }] }, null, 2));
    const modules = join(this.root, 'node_modules');
    mkdirSync(join(modules, '@nx'), { recursive: true });
    const fromNx24 = new Set(readdirSync(nx24));
    for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      if (entry === 'janus' || entry === '@nx' || entry.startsWith('.') || fromNx24.has(entry)) continue;
      symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(modules, entry));
    }
    for (const entry of fromNx24) {
      if (entry === '@nx' || entry.startsWith('.')) continue;
      symlinkSync(join(nx24, entry), join(modules, entry));
    }
    for (const entry of readdirSync(join(nx24, '@nx'))) symlinkSync(join(nx24, '@nx', entry), join(modules, '@nx', entry));
    cpSync(packageRoot, join(modules, 'janus'), { recursive: true, dereference: true });
  }

  static async create(): Promise<Nx24Workspace> {
    return new Nx24Workspace(await nx24Modules());
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** The command's result whether it passed or failed. */
  async nx(args: string[]): Promise<CommandResult> {
    return runCommand(process.execPath, [this.nxBin, ...args], {
      cwd: this.root,
      env: nxCliEnv(),
    }).catch((e: unknown) => {
      if (e instanceof CommandError) return e.result;
      throw e;
    });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
