// Every checked-in image (apps/* and the containers/*-runtime images), per platform: its size, its floor and the
// ratio, beside the same app built the way the specs' guides build it (a python:3.11-slim / node:20-slim
// multi-stage image), against the targets: Python baselines ≤ 100 MB, the gateway ≤ 120 MB, a runtime
// ≤ its floor + 30 MB.
//
// The floor is what no image of the app can drop: the interpreter (or `node`) binary plus the app's own installed
// dependencies and code, summed from the image's own final filesystem. Sizes are the engine's (uncompressed).
//
// Images come from `nx run <project>:docker-build` and the build record it leaves (dist/docker/<project>):
// nx's cache answers at once for an image whose inputs did not change, BuildKit's cache for unchanged layers.
// `--tiny` (what npm test runs): demo-agent on the native platform only. BENCH_IMAGES and BENCH_PLATFORMS
// (comma-separated) narrow a full run.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDockerCli } from '../libs/janus/src/engine/docker-cli';
import { inspectImage, saveImage } from '../libs/janus/src/engine/image-store';
import { type BuildRecord, readBuildRecord } from '../libs/janus/src/image/build-record';
import { BUILD_RECORD_FILE } from '../libs/janus/src/image/record-files';
import { imageLayers } from '../libs/janus/src/image/layer-paths';
import { DEFAULT_PLATFORMS, nativePlatform, platformTagSuffix } from '../libs/janus/src/oci/platform';
import { runCommand } from '../libs/janus/src/process/run-command';

const ROOT = join(__dirname, '..');
const TINY = process.argv.includes('--tiny');
const MB = 1e6;
const mb = (bytes: number) => (bytes / MB).toFixed(1);

type Kind = 'python' | 'node-service' | 'runtime';
interface Project {
  name: string;
  root: string;
  kind: Kind;
}

/** The files that make the floor, by kind: the interpreter binary, the installed dependencies, the app itself. */
const FLOOR: Record<Kind, RegExp[]> = {
  python: [/^\/usr\/(local\/)?bin\/python3\.\d+$/, /^\/opt\/venv\/lib\/python3\.\d+\/site-packages\//, /^\/app\//],
  'node-service': [/^\/usr\/(local\/)?bin\/node$/, /^\/app\//],
  runtime: [/^\/usr\/(local\/)?bin\/node$/, /^\/usr\/local\/lib\/node_modules\//],
};

/** The targets: a fixed size, or the floor plus a margin. */
const TARGET: Record<string, (floor: number) => { bytes: number; text: string }> = {
  python: () => ({ bytes: 100 * MB, text: '≤ 100 MB' }),
  gateway: () => ({ bytes: 120 * MB, text: '≤ 120 MB' }),
  runtime: (floor) => ({ bytes: floor + 30 * MB, text: '≤ floor + 30 MB' }),
};

function projects(): Project[] {
  const found: Project[] = [];
  for (const dir of ['apps', 'containers']) {
    for (const name of readdirSync(join(ROOT, dir))) {
      let janus: { template?: string };
      try {
        janus = JSON.parse(readFileSync(join(ROOT, dir, name, 'janus.json'), 'utf8')) as { template?: string };
      } catch {
        continue; // not an image project of the workspace (e.g. janus-e2e, the base-image stand-ins)
      }
      const kind = ({ baseline: 'python', 'node-service': 'node-service', runtime: 'runtime' } as Record<string, Kind>)[janus.template ?? ''];
      if (kind) found.push({ name, root: join(dir, name), kind });
    }
  }
  return found;
}

/** The project's build record, or none when it is missing or unreadable (nx then builds it afresh). */
function readRecord(project: string): BuildRecord | undefined {
  try {
    return readBuildRecord(join(ROOT, 'dist/docker', project, BUILD_RECORD_FILE));
  } catch {
    return undefined;
  }
}

/** The project's platform images as its sources make them now: built, or found unchanged by nx's cache. */
async function builtImages(p: Project, platforms: string[]): Promise<Map<string, string>> {
  const present = async () => {
    const ids = new Map<string, string>();
    for (const r of readRecord(p.name)?.platforms ?? []) if (platforms.includes(r.platform) && (await inspectImage(r.imageId))) ids.set(r.platform, r.imageId);
    return ids;
  };
  let ids = new Map<string, string>();
  // Always through nx, whose cache answers at once when nothing the image is made of changed (a record alone
  // may be older than the sources); past the cache when the record it restored names images this engine lacks.
  for (const extra of [[], ['--skip-nx-cache']]) {
    console.log(`  nx run ${p.name}:docker-build --platforms=${platforms.join(',')} ${extra.join(' ')}`);
    await runCommand('npx', ['nx', 'run', `${p.name}:docker-build`, `--platforms=${platforms.join(',')}`, '--outputStyle=static', ...extra], { cwd: ROOT });
    ids = await present();
    if (ids.size === platforms.length) break;
  }
  const missing = platforms.filter((x) => !ids.has(x));
  if (missing.length) throw new Error(`${p.name}: no ${missing.join(', ')} image after nx run ${p.name}:docker-build`);
  return ids;
}

/** The image's final filesystem (a later layer's file replaces an earlier one's), path → bytes. */
async function finalFiles(imageId: string): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  for (const l of await imageLayers(await saveImage(imageId))) for (const [path, size] of l.files) files.set(path, size);
  return files;
}

function floorBytes(kind: Kind, files: Map<string, number>): number {
  let sum = 0;
  for (const [path, size] of files) if (FLOOR[kind].some((re) => re.test(path))) sum += size;
  return sum;
}

/** The builder stage of the project's own Dockerfile: everything before its FROM scratch final stage. */
function ownBuilderStages(p: Project): string {
  const text = readFileSync(join(ROOT, p.root, 'Dockerfile'), 'utf8');
  const at = text.search(/^FROM scratch\b/m);
  if (at < 0) throw new Error(`${p.root}/Dockerfile has no FROM scratch final stage`);
  return text.slice(0, at);
}

/**
 * The app as the specs' guides build it, in their multi-stage form. Python: a venv in a python:3.11-slim builder,
 * copied into a fresh python:3.11-slim; the venv sees the base's site-packages and pip builds offline, since this
 * machine's stand-in carries the requirements and PyPI is out of reach. Node: the project's own builder stage
 * (so the same npm install, and BuildKit's cache for it), its output copied into a fresh node:20-slim.
 */
function guideDockerfile(p: Project): string {
  if (p.kind === 'python') {
    return [
      'FROM --platform=$BUILDPLATFORM python:3.11-slim AS builder',
      'WORKDIR /build',
      'RUN python -m venv --system-site-packages /opt/venv',
      'COPY pyproject.toml ./',
      'COPY app ./app',
      'RUN /opt/venv/bin/pip install --no-cache-dir --no-build-isolation .',
      'FROM python:3.11-slim',
      'COPY --from=builder /opt/venv /opt/venv',
      'WORKDIR /app',
      'COPY app ./app',
      'ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1',
      'USER 1000:1000',
      'CMD ["python", "-m", "app"]',
      '',
    ].join('\n');
  }
  const final =
    p.kind === 'node-service'
      ? [
          'FROM ${BASE_IMAGE}',
          'WORKDIR /app',
          'COPY --from=builder /build/package.json ./',
          'COPY --from=builder /build/node_modules ./node_modules',
          'COPY --from=builder /build/dist ./dist',
          'USER node',
          'CMD ["node", "dist/main.js"]',
        ]
      : ['FROM ${BASE_IMAGE}', 'COPY --from=builder /cli /usr/local', 'USER node'];
  return `${ownBuilderStages(p)}\n${final.join('\n')}\n`;
}

/** Builds the guide image for PLATFORM and returns its size; the image is removed again, BuildKit's cache kept. */
async function guideSize(p: Project, platform: string, dir: string): Promise<number> {
  const file = join(dir, `${p.name}.Dockerfile`);
  writeFileSync(file, guideDockerfile(p));
  const tag = `janus-bench-guide/${p.name}:${platformTagSuffix(platform)}`;
  const cli = await resolveDockerCli();
  const ca = process.env.JANUS_NPM_CA_FILE;
  const args = [
    ...(cli.buildx ? ['buildx', 'build', '--load'] : ['build']),
    '--platform',
    platform,
    '--network',
    process.env.JANUS_BUILD_NETWORK || 'default',
    ...(ca ? ['--secret', `id=npm-ca,src=${ca}`] : []),
    ...(process.env.JANUS_NPM_REGISTRY ? ['--build-arg', `NPM_REGISTRY=${process.env.JANUS_NPM_REGISTRY}`] : []),
    '-f',
    file,
    '-t',
    tag,
    join(ROOT, p.root),
  ];
  await runCommand(cli.bin, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
  try {
    const info = await inspectImage(tag);
    if (!info) throw new Error(`${tag} was built but the engine does not show it`);
    return info.Size;
  } finally {
    await runCommand(cli.bin, ['rmi', tag]);
  }
}

function targetFor(p: Project) {
  return TARGET[p.kind === 'python' ? 'python' : p.kind === 'runtime' ? 'runtime' : p.name] ?? TARGET.gateway;
}

async function main() {
  const all = projects();
  const only = (process.env.BENCH_IMAGES ?? '').split(',').filter(Boolean);
  const chosen = TINY ? all.filter((p) => p.name === 'demo-agent') : all.filter((p) => only.length === 0 || only.includes(p.name));
  const platforms = TINY ? [nativePlatform()] : (process.env.BENCH_PLATFORMS ?? DEFAULT_PLATFORMS.join(',')).split(',').filter(Boolean);
  console.log(`image sizes (MB, uncompressed, as the engine counts them)${TINY ? ', tiny: one image, the native platform' : ''}`);
  const header = ['image', 'platform', 'size', 'floor', 'size/floor', 'guide image', 'size/guide', 'target', 'met'];
  const rows: string[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'janus-bench-image-size-'));
  try {
    for (const p of chosen) {
      let ids: Map<string, string>;
      try {
        ids = await builtImages(p, platforms);
      } catch (e) {
        // One image that does not build is a row of the table, not the end of it.
        const why = (e as Error).message.split('\n')[0].slice(0, 100);
        for (const platform of platforms) rows.push([p.name, platform, 'not built', '', '', '', '', targetFor(p)(0).text, why]);
        continue;
      }
      for (const platform of platforms) {
        const id = ids.get(platform)!;
        const size = (await inspectImage(id))!.Size;
        const floor = floorBytes(p.kind, await finalFiles(id));
        const guide = await guideSize(p, platform, dir);
        const target = targetFor(p)(floor);
        rows.push([
          p.name,
          platform,
          mb(size),
          mb(floor),
          (size / floor).toFixed(2),
          mb(guide),
          (size / guide).toFixed(2),
          target.text + (p.kind === 'runtime' ? ` (${mb(target.bytes)})` : ''),
          size <= target.bytes ? 'yes' : 'NO',
        ]);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
