// The agent runtimes (containers/*-runtime): each image's size beside its floor (the base image plus the CLI
// as npm installs it on this host, native package included), and the cold `<bin> --version` inside a fresh
// container (container start included) beside the same CLI run on the host, interleaved so both see the same
// load. Needs the images built (nx run-many -t docker-build -p openai-runtime,anthropic-runtime,google-runtime).
// `--tiny` (what npm test runs): the smallest runtime, one round, built for this platform first if it is not.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureImage, inspectImage } from '../libs/janus/src/engine/image-store';
import { nativePlatform } from '../libs/janus/src/oci/platform';
import { readBuildRecord } from '../libs/janus/src/image/build-record';
import { BUILD_RECORD_FILE } from '../libs/janus/src/image/record-files';
import { runCommand } from '../libs/janus/src/process/run-command';
import { nxCliEnv } from '../libs/janus-testing/src/nx-cli-env';

const ROOT = join(__dirname, '..');
const TINY = process.argv.includes('--tiny');
const TINY_RUNTIME = 'google-runtime';
const ROUNDS = TINY ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

interface Runtime {
  name: string;
  options: { package: string; bin: string; version: string; baseImage: string };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The CLI as `npm install` puts it on this host, with the same script policy as the image (see the Dockerfile). */
async function installOnHost(r: Runtime, dir: string): Promise<void> {
  const dockerfile = readFileSync(join(ROOT, 'containers', r.name, 'Dockerfile'), 'utf8');
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const native = new RegExp(`${arch}\\) native='([^']*)'`).exec(dockerfile)?.[1] ?? '';
  const rebuild = /npm rebuild --global '([^']+)'/.exec(dockerfile)?.[1];
  const spec = `${r.options.package}@${r.options.version}`;
  await runCommand('npm', ['install', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund', spec, ...(native ? [native] : [])]);
  if (rebuild) await runCommand('npm', ['rebuild', '--prefix', dir, rebuild]);
}

/** Whether a build record names this platform's image and the engine still holds it (a missing or stale record is not an error here). */
async function hasNativeBuild(name: string): Promise<boolean> {
  let imageId: string | undefined;
  try {
    imageId = readBuildRecord(join(ROOT, 'dist/docker', name, BUILD_RECORD_FILE)).platforms.find((p) => p.platform === nativePlatform())?.imageId;
  } catch {
    return false;
  }
  return imageId !== undefined && (await inspectImage(imageId)) !== undefined;
}

async function main() {
  const runtimes = readdirSync(join(ROOT, 'containers'))
    .filter((d) => (TINY ? d === TINY_RUNTIME : d.endsWith('-runtime')))
    .map((name) => ({ name, ...(JSON.parse(readFileSync(join(ROOT, 'containers', name, 'janus.json'), 'utf8')) as Omit<Runtime, 'name'>) }));
  console.log(`agent runtimes on ${nativePlatform()}: size vs floor, and cold --version (median of ${ROUNDS}, ms)`);
  console.log('runtime             image     base + CLI (floor)  image/floor   in container  on host  container/host');
  for (const r of runtimes) {
    if (TINY && !(await hasNativeBuild(r.name)))
      await runCommand(join(ROOT, 'node_modules/.bin/nx'), ['run', `${r.name}:docker-build`, `--platforms=${nativePlatform()}`], {
        cwd: ROOT,
        env: nxCliEnv(),
      });
    const record = readBuildRecord(join(ROOT, 'dist/docker', r.name, BUILD_RECORD_FILE), `build it first: nx run ${r.name}:docker-build`);
    const built = record.platforms.find((p) => p.platform === nativePlatform());
    if (!built) throw new Error(`${r.name}: no ${nativePlatform()} image in its build record; build it first`);
    // The base as the engine resolves it (through the registry mirror here), pulled if it is not local.
    const base = (await ensureImage(r.options.baseImage)).Size;
    const dir = mkdtempSync(join(tmpdir(), 'janus-bench-runtime-'));
    try {
      await installOnHost(r, dir);
      const cli = Number((await runCommand('du', ['-sb', join(dir, 'node_modules')])).stdout.split('\t')[0]);
      const inContainer: number[] = [];
      const onHost: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        inContainer.push(await timed(() => runCommand('docker', ['run', '--rm', '--entrypoint', r.options.bin, built.imageId, '--version'])));
        onHost.push(await timed(() => runCommand(join(dir, 'node_modules/.bin', r.options.bin), ['--version'])));
      }
      const [c, h] = [median(inContainer), median(onHost)];
      console.log(
        `${r.name.padEnd(18)} ${mb(built.size).padStart(7)}  ${mb(base + cli).padStart(18)}  ${(built.size / (base + cli)).toFixed(2).padStart(11)}  ${c.toFixed(0).padStart(13)}  ${h.toFixed(0).padStart(7)}  ${(c / h).toFixed(2).padStart(14)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
