// contract-test of the demo baseline: wall time of the full suite and the measured ready time, as ratios to
// their targets (suite ≤ 10 s; ready ≤ 2 s, i.e. 15× inside the contract's 30 s). Needs the demo image
// (npm run demo builds it); runs the suite several times and reports medians.
import { logger } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import contractTestExecutor from '../libs/janus/src/executors/contract-test/executor';
import type { ContractReport } from '../libs/janus/src/contract/report';
import { executorContext } from '../libs/janus-testing/src/executor-context';

const ROOT = join(__dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  logger.info = () => undefined;
  const ctx = executorContext(ROOT, 'demo-agent', 'apps/demo-agent');
  const walls: number[] = [];
  const readies: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = Date.now();
    const r = await contractTestExecutor({ reportDir: 'tmp/bench-contract' }, ctx);
    walls.push(Date.now() - t0);
    const report = JSON.parse(readFileSync(join(ROOT, 'tmp/bench-contract/report.json'), 'utf8')) as ContractReport;
    if (!r.success)
      throw new Error(
        `the demo baseline failed its contract:\n${JSON.stringify(
          report.checks.filter((c) => !c.ok),
          null,
          2,
        )}`,
      );
    readies.push(Number.parseInt(report.checks.find((c) => c.id === 'readiness')!.figure, 10));
  }
  const wall = median(walls) / 1000;
  const ready = median(readies) / 1000;
  console.log(`contract-test of apps/demo-agent, median of ${ROUNDS}`);
  console.log(`  full suite   ${wall.toFixed(1)} s   = ${(wall / 10).toFixed(2)} of the 10 s target`);
  console.log(`  ready after  ${ready.toFixed(2)} s  = ${(30 / ready).toFixed(0)}× inside the contract's 30 s (target ≥ 15×, i.e. ≤ 2 s)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
