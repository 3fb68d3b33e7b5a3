import { join } from 'node:path';
import { runCommand } from '../libs/janus/src/process/run-command';
import { REPO_ROOT } from '../tools/repo-root';

// The benches that only drive the nx CLI (no engine), once each at their smallest (10 projects, one round), so
// a change to Nx or to the plugin that breaks one is found by npm test, not at the next full bench run. Figures
// are not judged (benches assert nothing); only that each got as far as printing its ratio line.
// The graph bench's affected step on 3 projects, not 20: it builds every one of them first.
const tiny = (name: string) =>
  runCommand(process.execPath, ['-r', '@swc-node/register', join(REPO_ROOT, `bench/${name}.bench.ts`)], {
    cwd: REPO_ROOT,
    env: { ...process.env, BENCH_SIZES: '10', BENCH_ROUNDS: '1', BENCH_AFFECTED: '3' },
  }).then((r) => r.stdout);

describe('the nx-only benches at their smallest', () => {
  it('generator: janus:baseline beside @nx/js:library, and their ratio', async () => {
    expect(await tiny('generator')).toMatch(/ratio janus \/ nx-js\s+\d+\.\d\d/);
  }, 300_000);

  it('sync: sync:check and sync beside nx show projects on 10 projects', async () => {
    expect(await tiny('sync')).toMatch(/^\s*10\s+\d+\.\d+\s+\d+\.\d+\s+\d+\.\d+/m);
  }, 300_000);

  it('graph: the plugins beside the bare workspace on 10 projects, and the affected line', async () => {
    expect(await tiny('graph')).toMatch(/nx affected -t docker-build after one of 3 projects changed: built \d+\/3 /);
  }, 600_000);
});
