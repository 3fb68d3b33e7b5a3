import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePluginBuilt } from '../../../tools/plugin-build/build-plugin';
import { runCommand, type CommandResult } from '../../janus/src/process/run-command';
import { REPO_ROOT } from '../../../tools/repo-root';
import { nxCliEnv } from './nx-cli-env';

/**
 * A throwaway Nx workspace that has this repository's node_modules installed, with `janus` being the built
 * package (dist/libs/janus, rebuilt first if its sources changed), so tests drive `nx g janus:…` and
 * `nx run` exactly as a user's workspace that installed the plugin would.
 */
export class TempWorkspace {
  readonly root: string;

  constructor(prefix = 'janus-ws-') {
    const { packageRoot } = ensurePluginBuilt({ link: false, log: () => undefined });
    this.root = mkdtempSync(join(tmpdir(), prefix));
    writeFileSync(join(this.root, 'package.json'), JSON.stringify({ name: 'scratch', version: '0.0.0', private: true }, null, 2));
    writeFileSync(join(this.root, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2));
    writeFileSync(join(this.root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'commonjs' } }, null, 2));
    // Entry by entry, so `janus` is the build whatever the repository's own link points at right now.
    const modules = join(this.root, 'node_modules');
    mkdirSync(modules);
    for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
      symlinkSync(entry === 'janus' ? packageRoot : join(REPO_ROOT, 'node_modules', entry), join(modules, entry));
    }
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  nx(args: string[]): Promise<CommandResult> {
    return runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), args, {
      cwd: this.root,
      env: nxCliEnv(),
    });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
