// Generator wall time: `nx g janus:baseline` against `nx g @nx/js:library` in the same workspace, interleaved
// so both see the same machine load. Prints medians and their ratio (target: janus / nx-js ≤ 1.0).
// Both run as users get them: compiled packages (the plugin is built first), not TypeScript sources.
import { join } from 'node:path';
import { runCommand } from '../libs/janus/src/process/run-command';
import { REPO_ROOT, TempWorkspace } from '../libs/janus/src/testing/temp-workspace';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  await runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), ['run', 'janus:build'], { cwd: REPO_ROOT, env: { ...process.env, NX_DAEMON: 'false' } });
  const ws = new TempWorkspace('janus-bench-', 'dist');
  const janus: number[] = [];
  const nxjs: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      janus.push(await time(() => ws.nx(['g', 'janus:baseline', `agent-${i}`, '--no-interactive'])));
      nxjs.push(
        await time(() =>
          ws.nx(['g', '@nx/js:library', `libs/lib-${i}`, '--bundler=none', '--unitTestRunner=none', '--linter=none', '--skipPackageJson', '--no-interactive']),
        ),
      );
    }
  } finally {
    ws.dispose();
  }
  const j = median(janus);
  const n = median(nxjs);
  console.log(`generator wall time, median of ${ROUNDS} interleaved runs`);
  console.log(`  nx g janus:baseline   ${j.toFixed(0)} ms`);
  console.log(`  nx g @nx/js:library   ${n.toFixed(0)} ms`);
  console.log(`  ratio janus / nx-js   ${(j / n).toFixed(2)}  (target ≤ 1.00)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
