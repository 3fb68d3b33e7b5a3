import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCommand, type CommandResult } from '../process/run-command';

export const REPO_ROOT = resolve(__dirname, '../../../..');

let built: Promise<unknown> | undefined;

/** Builds the plugin package (dist/libs/janus) once per process, through Nx's cache, for workspaces in 'dist' mode. */
export function buildPlugin(): Promise<unknown> {
  built ??= runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), ['run', 'janus:build'], { cwd: REPO_ROOT, env: { ...process.env, NX_DAEMON: 'false' } });
  return built;
}

/**
 * A throwaway Nx workspace that has this repository's node_modules (and so the `janus` plugin) installed,
 * so tests drive `nx g janus:…` exactly as a user's workspace would.
 */
export class TempWorkspace {
  readonly root: string;

  /**
   * `source`: the plugin as this repository runs it (TypeScript, transpiled on load).
   * `dist`: the built package (`nx run janus:build`), as users who installed it run it.
   */
  constructor(prefix = 'janus-ws-', plugin: 'source' | 'dist' = 'source') {
    this.root = mkdtempSync(join(tmpdir(), prefix));
    writeFileSync(join(this.root, 'package.json'), JSON.stringify({ name: 'scratch', version: '0.0.0', private: true }, null, 2));
    writeFileSync(join(this.root, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2));
    writeFileSync(join(this.root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'commonjs' } }, null, 2));
    if (plugin === 'source') {
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(this.root, 'node_modules'), 'dir');
    } else {
      const modules = join(this.root, 'node_modules');
      mkdirSync(modules);
      for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
        const target = entry === 'janus' ? join(REPO_ROOT, 'dist/libs/janus') : join(REPO_ROOT, 'node_modules', entry);
        symlinkSync(target, join(modules, entry));
      }
    }
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  nx(args: string[]): Promise<CommandResult> {
    return runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), args, {
      cwd: this.root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_INTERACTIVE: 'false', CI: 'true' },
    });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
