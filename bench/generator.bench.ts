// Generator wall time: `nx g janus:baseline` against `nx g @nx/js:library` in the same workspace, interleaved
// so both see the same machine load. Prints medians and their ratio (target: janus / nx-js ≤ 1.0).
// Both run as users get them: compiled packages (TempWorkspace builds the plugin first if its sources changed).
import { TempWorkspace } from '../libs/janus-testing/src/temp-workspace';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const ws = new TempWorkspace('janus-bench-');
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
