// contract-test of the demo baseline: wall time of the full suite and the measured ready time, as ratios to
// their targets (suite ≤ 10 s; ready ≤ 2 s, i.e. 15× inside the contract's 30 s). Needs the demo image
// (npm run demo builds it); runs the suite several times and reports medians.
// `--tiny` (what npm test runs): one round against demo-agent built for the native platform in a temporary
// workspace, so it needs no demo and leaves the workspace's own build record alone.
import { logger } from '@nx/devkit';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dockerBuildExecutor from '../libs/janus/src/executors/docker-build/executor';
import { nativePlatform } from '../libs/janus/src/oci/platform';
import contractTestExecutor from '../libs/janus/src/executors/contract-test/executor';
import type { ContractReport } from '../libs/janus/src/contract/report';
import { executorContext } from '../libs/janus-testing/src/executor-context';
import { removeImages } from '../libs/janus-testing/src/test-images';

const ROOT = join(__dirname, '..');
const TINY = process.argv.includes('--tiny');
const ROUNDS = TINY ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The tiny run's workspace: apps/demo-agent copied and built for this machine's platform, and how to remove both. */
async function tinyWorkspace(): Promise<{ root: string; dispose: () => Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'janus-bench-contract-'));
  const image = 'janus-bench/contract-demo-agent';
  const dispose = async () => {
    await removeImages(image);
    rmSync(root, { recursive: true, force: true });
  };
  cpSync(join(ROOT, 'apps/demo-agent'), join(root, 'apps/demo-agent'), { recursive: true });
  const built = await dockerBuildExecutor(
    { platforms: nativePlatform(), registry: '', image, deriveTags: false, tags: ['tiny'] },
    executorContext(root, 'demo-agent', 'apps/demo-agent'),
  );
  if (!built.success) {
    await dispose();
    throw new Error('the demo baseline did not build');
  }
  return { root, dispose };
}

async function main() {
  logger.info = () => undefined;
  const tiny = TINY ? await tinyWorkspace() : undefined;
  try {
    await measure(tiny?.root ?? ROOT);
  } finally {
    await tiny?.dispose();
  }
}

async function measure(root: string) {
  const ctx = executorContext(root, 'demo-agent', 'apps/demo-agent');
  const walls: number[] = [];
  const readies: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = Date.now();
    const r = await contractTestExecutor({ reportDir: 'tmp/bench-contract' }, ctx);
    walls.push(Date.now() - t0);
    const report = JSON.parse(readFileSync(join(root, 'tmp/bench-contract/report.json'), 'utf8')) as ContractReport;
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
  console.log(`contract-test of apps/demo-agent, median of ${ROUNDS}${TINY ? ', tiny: built for this platform in a temporary workspace' : ''}`);
  console.log(`  full suite   ${wall.toFixed(1)} s   = ${(wall / 10).toFixed(2)} of the 10 s target`);
  console.log(`  ready after  ${ready.toFixed(2)} s  = ${(30 / ready).toFixed(0)}× inside the contract's 30 s (target ≥ 15×, i.e. ≤ 2 s)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
