import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractReport } from '../../contract/report';
import type { BuildRecord } from '../../image/build-record';
import { runCommand } from '../../process/run-command';
import { REPO_ROOT } from '../../../../../tools/repo-root';
import { nxCliEnv } from '../../../../janus-testing/src/nx-cli-env';

const RUNTIMES = ['openai-runtime', 'anthropic-runtime', 'google-runtime'];
const NX = join(REPO_ROOT, 'node_modules/.bin/nx');

// The checked-in runtimes, through the same targets CI runs: each builds for linux/amd64 and linux/arm64 (its
// build fails unless the CLI prints its pinned version as the runtime user, under qemu for arm64) and passes
// the runtime contract on the native image; the arm64 CLI then runs once more in a container of its own.
describe('the agent runtimes in containers/', () => {
  jest.setTimeout(60 * 60 * 1000);

  it.each(RUNTIMES)('%s builds for both platforms and passes the runtime contract', async (name) => {
    const reportDir = `tmp/runtimes-spec/${name}`;
    await runCommand(NX, ['run', `${name}:contract-test`, `--reportDir=${reportDir}`, '--output-style=stream'], {
      cwd: REPO_ROOT,
      env: nxCliEnv({ NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true' }),
    });
    const janus = JSON.parse(readFileSync(join(REPO_ROOT, 'containers', name, 'janus.json'), 'utf8')) as { options: { bin: string; version: string } };
    const report = JSON.parse(readFileSync(join(REPO_ROOT, reportDir, 'report.json'), 'utf8')) as ContractReport;
    expect(report.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
    expect(report.checks.find((c) => c.id === 'cli-version')?.figure).toContain(janus.options.version);

    const record = JSON.parse(readFileSync(join(REPO_ROOT, 'dist/docker', name, 'metadata.json'), 'utf8')) as BuildRecord;
    expect(record.platforms.map((p) => p.platform).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    const arm64 = record.platforms.find((p) => p.platform === 'linux/arm64')!;
    const { stdout } = await runCommand('docker', ['run', '--rm', '--platform', 'linux/arm64', '--entrypoint', janus.options.bin, arm64.imageId, '--version']);
    expect(stdout).toContain(janus.options.version);
  });
});
