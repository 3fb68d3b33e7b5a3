import { join } from 'node:path';
import { runCommand } from '../libs/janus/src/process/run-command';

const ROOT = join(__dirname, '..');

/** Runs bench/NAME.bench.ts once in its --tiny mode, with this machine's build settings as bench/run.sh reads them. */
export async function tinyBench(name: string): Promise<string> {
  const script = `. tools/this-machine.sh && exec node -r @swc-node/register bench/${name}.bench.ts --tiny`;
  return (await runCommand('bash', ['-c', script], { cwd: ROOT })).stdout;
}
