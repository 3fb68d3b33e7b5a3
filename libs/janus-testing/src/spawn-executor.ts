import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../tools/repo-root';

/**
 * Runs one executor in its own process through run-executor-cli.ts, as `nx run` would, so a spec can send it
 * signals and watch its output. The project is `probe` at `apps/probe` in the workspace `ws`; `env` is its
 * environment (JANUS_ENGINE picks the engine it talks to).
 */
export function spawnExecutor(
  executorModule: string,
  ws: string,
  options: object,
  env: NodeJS.ProcessEnv = process.env,
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'run-executor-cli.ts'), executorModule, ws, 'probe', 'apps/probe', JSON.stringify(options)],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}
