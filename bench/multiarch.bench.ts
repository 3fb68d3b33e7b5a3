// Cold docker-build of every checked-in image per platform, side by side: amd64 on the local engine (native),
// arm64 on the local engine (qemu), arm64 on a second builder (a second dockerd of our own, named in
// JANUS_BUILDERS, as CI names an arm64 node). Target: arm64 cold ≤ 1.3× amd64 for every image.
//   npm run bench -- multiarch                      every image (see IMAGES)
//   npm run bench -- multiarch --only demo-agent,gateway
//   npm run bench -- multiarch --tiny               one fixture image, amd64 here and arm64 on the second builder
// Cold means: every build runs with noCache (docker build --no-cache: no BuildKit cache hit, no cache-from), so
// each of the image's own steps runs; base images resolve from the local registry mirror as in any build. The
// shared engine's build cache is never pruned. Images this run makes (local tags janus-bench-multiarch-<id>/*,
// the second engine with its whole data root) are removed at the end, also after a failure or Ctrl-C.
import { createProjectGraphAsync } from '@nx/devkit';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dockerBuildExecutor from '../libs/janus/src/executors/docker-build/executor';
import type { DockerBuildOptions } from '../libs/janus/src/executors/docker-build/options-schema';
import { BUILDERS_ENV } from '../libs/janus/src/engine/builder-endpoints';
import { readBuildRecord } from '../libs/janus/src/image/build-record';
import { BUILD_RECORD_FILE } from '../libs/janus/src/image/record-files';
import { InterruptGuard } from '../libs/janus/src/process/interrupt-guard';
import { runCommand } from '../libs/janus/src/process/run-command';
import { RegistryClient } from '../libs/janus/src/registry/registry-client';
import { logger } from '../libs/janus/src/workspace/nx-logger';
import { executorContext } from '../libs/janus-testing/src/executor-context';
import { initGitRepo } from '../libs/janus-testing/src/git-repo';
import { SecondEngine } from '../libs/janus-testing/src/second-engine';
import { removeImages } from '../libs/janus-testing/src/test-images';
import { REPO_ROOT } from '../tools/repo-root';

/** The checked-in images, by Nx project name (issue 23: three runtimes, gateway, two baselines, demo agent). */
const IMAGES = ['openai-runtime', 'anthropic-runtime', 'google-runtime', 'gateway', 'baseline-agent-cli', 'baseline-langchain', 'demo-agent'];
const TARGET = 1.3;
/** Another engine's images reach this machine only through a registry: the second builder stages there by digest. */
const REGISTRY = 'localhost:5000';

interface Column {
  key: string;
  title: string;
  platform: 'linux/amd64' | 'linux/arm64';
  secondBuilder: boolean;
}
const COLUMNS: Column[] = [
  { key: 'amd64', title: 'amd64 native', platform: 'linux/amd64', secondBuilder: false },
  { key: 'arm64-qemu', title: 'arm64 qemu', platform: 'linux/arm64', secondBuilder: false },
  { key: 'arm64-b2', title: 'arm64 builder 2', platform: 'linux/arm64', secondBuilder: true },
];

/** One image to build: where its project lives and the docker-build options Nx would pass (inferred + project.json). */
interface Subject {
  name: string;
  root: string;
  projectRoot: string;
  options: DockerBuildOptions;
}

function parseArgs(argv: string[]): { tiny: boolean; only?: string[] } {
  let tiny = false;
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--tiny') tiny = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      only = (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = only.filter((n) => !IMAGES.includes(n));
      if (only.length === 0 || unknown.length > 0)
        throw new Error(
          `--only: '${value ?? ''}' names ${unknown.length ? `no checked-in image '${unknown.join("', '")}'` : 'nothing'}; allowed: ${IMAGES.join(', ')}`,
        );
    } else throw new Error(`bench/multiarch: unknown argument '${a}'; allowed: --only <${IMAGES.join(',')}>, --tiny`);
  }
  if (tiny && only) throw new Error('bench/multiarch: --tiny builds its own fixture image; leave out --only');
  return { tiny, only };
}

/** The checked-in projects' docker-build options exactly as Nx resolves them (inferred targets, project.json). */
async function checkedInSubjects(names: string[]): Promise<Subject[]> {
  const graph = await createProjectGraphAsync({ exitOnError: true });
  return names.map((name) => {
    const node = graph.nodes[name];
    const target = node?.data.targets?.['docker-build'];
    if (!node || !target) throw new Error(`bench/multiarch: project '${name}' has no docker-build target in the project graph`);
    return { name, root: REPO_ROOT, projectRoot: node.data.root, options: (target.options ?? {}) as DockerBuildOptions };
  });
}

/** --tiny: a fixture with one RUN step on the target platform, in a git repository of its own. */
async function tinySubject(): Promise<Subject> {
  const root = mkdtempSync(join(tmpdir(), 'janus-bench-multiarch-'));
  mkdirSync(join(root, 'apps/probe'), { recursive: true });
  writeFileSync(join(root, 'apps/probe/Dockerfile'), 'ARG BASE_IMAGE=python:3.11-slim\nFROM ${BASE_IMAGE}\nRUN uname -m > /built-on\n');
  writeFileSync(join(root, '.gitignore'), 'dist\n');
  await initGitRepo(root);
  return { name: 'probe', root, projectRoot: 'apps/probe', options: {} };
}

/** The base images a Dockerfile names through `ARG BASE_IMAGE=` (the templates' convention). */
function baseImages(subject: Subject): string[] {
  const dockerfile = readFileSync(join(subject.root, subject.projectRoot, 'Dockerfile'), 'utf8');
  return [...dockerfile.matchAll(/^ARG BASE_IMAGE=(\S+)/gm)].map((m) => m[1]);
}

async function main() {
  const { tiny, only } = parseArgs(process.argv.slice(2));
  const columns = tiny ? COLUMNS.filter((c) => c.key !== 'arm64-qemu') : COLUMNS;
  const id = randomBytes(3).toString('hex');
  const repoPrefix = `janus-bench-multiarch-${id}`;
  const outDir = mkdtempSync(join(tmpdir(), 'janus-bench-multiarch-out-'));
  const made: string[] = [];
  let second: SecondEngine | undefined;
  let tinyRoot: string | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await removeImages(...made).catch(() => undefined);
      // Whatever the second builder staged, recorded or not (a build can fail after its push): every tag's manifest.
      const registry = RegistryClient.forHost(REGISTRY);
      for (const repo of made)
        for (const tag of await registry.listTags(repo).catch(() => []))
          await registry
            .headManifest(repo, tag)
            .then((m) => m && registry.deleteManifest(repo, m.digest))
            .catch(() => undefined);
      await second?.stop().catch((e) => console.error(`bench/multiarch: stopping the second engine: ${String(e)}`));
      rmSync(outDir, { recursive: true, force: true });
      if (tinyRoot) rmSync(tinyRoot, { recursive: true, force: true });
    })());
  // Ctrl-C, a kill or a CI timeout: stop the builds under way (a docker CLI left running would tag its image
  // after the clean-up), then the same clean-up as a normal end, then exit 130.
  const guard = new InterruptGuard('bench/multiarch', console);
  guard.track('stop the builds, remove the images and the second engine', async () => {
    await stopOwnChildren(second?.pid);
    await cleanUp();
  });
  const say = logger.info;
  logger.info = () => undefined;
  const env = { ...process.env };
  const t0 = Date.now();
  try {
    const subjects = tiny ? [await tinySubject()] : await checkedInSubjects(only ?? IMAGES);
    if (tiny) tinyRoot = subjects[0].root;
    second = await SecondEngine.start();
    console.log(`[bench/multiarch] images under ${repoPrefix}/, second engine ${second.endpoint}`);
    // Untimed, per engine and platform: each base image resolved, pulled and unpacked as the target and as the
    // build platform's builder, so the first timed build of a row does not pay for what the later ones find ready
    // (seen: ~10 s on whichever column ran first). The second engine starts empty, the local one may not.
    const warmup = `${repoPrefix}/warmup`;
    made.push(warmup);
    for (const base of [...new Set(subjects.flatMap(baseImages))])
      for (const column of columns) await warmUp(column.secondBuilder ? second.endpoint : undefined, column.platform, base, `${warmup}:${column.key}`);

    const rows: Array<{ name: string; seconds: Record<string, number>; wall: number }> = [];
    for (const subject of subjects) {
      const started = Date.now();
      const seconds: Record<string, number> = {};
      for (const column of columns) {
        const repo = `${repoPrefix}/${subject.name}`;
        if (!made.includes(repo)) made.push(repo);
        const outputPath = join(outDir, subject.name, column.key);
        // Local columns build on the local engine whatever this shell's JANUS_BUILDERS says.
        process.env = { ...env };
        delete process.env[BUILDERS_ENV];
        if (column.secondBuilder) process.env[BUILDERS_ENV] = `${column.platform}=${second.endpoint}?emulated=true`;
        const columnStarted = Date.now();
        const result = await dockerBuildExecutor(
          {
            ...subject.options,
            platforms: column.platform,
            image: repo,
            // Local columns keep their image in the engine; the second builder's goes to the registry by digest.
            registry: column.secondBuilder ? REGISTRY : '',
            push: false,
            deriveTags: false,
            tags: [column.key],
            noCache: true,
            // Work after the build step, which is the figure: off, so the table costs less wall.
            lint: false,
            sbom: false,
            provenance: false,
            outputPath,
          },
          executorContext(subject.root, subject.name, subject.projectRoot),
        );
        if (!result.success) throw new Error(`bench/multiarch: ${subject.name} failed to build for ${column.title} (its errors are above)`);
        const record = readBuildRecord(join(outputPath, BUILD_RECORD_FILE));
        seconds[column.key] = record.platforms[0].buildSeconds;
        // The build step is the figure; the rest of the executor's wall (size, SBOM, staging push) is shown apart.
        say(
          `[bench/multiarch] ${subject.name} ${column.title}: build ${seconds[column.key].toFixed(1)} s, executor wall ${((Date.now() - columnStarted) / 1000).toFixed(1)} s`,
        );
      }
      rows.push({ name: subject.name, seconds, wall: (Date.now() - started) / 1000 });
    }
    process.env = env;

    const width = Math.max(...rows.map((r) => r.name.length), 'image'.length) + 2;
    const cell = (s: string) => s.padStart(16);
    const ratio = (r: (typeof rows)[number], key: string) => (r.seconds[key] !== undefined ? r.seconds[key] / r.seconds.amd64 : undefined);
    console.log(`cold docker-build per platform (seconds of the build step; noCache: every own step rebuilt, base images from the registry mirror)`);
    console.log(
      'image'.padEnd(width) +
        columns.map((c) => cell(c.title)).join('') +
        columns
          .filter((c) => c.key !== 'amd64')
          .map((c) => cell(`${c.key.replace('arm64-', '')}/amd64`))
          .join('') +
        cell('row wall'),
    );
    for (const r of rows) {
      console.log(
        r.name.padEnd(width) +
          columns.map((c) => cell(r.seconds[c.key].toFixed(1))).join('') +
          columns
            .filter((c) => c.key !== 'amd64')
            .map((c) => cell(`${ratio(r, c.key)!.toFixed(2)}×`))
            .join('') +
          cell(r.wall.toFixed(0)),
      );
    }
    const worst = Math.max(...rows.flatMap((r) => columns.filter((c) => c.key !== 'amd64').map((c) => ratio(r, c.key)!)));
    console.log(
      `target: arm64 cold ≤ ${TARGET}× amd64 for every image, emulated or not; worst here ${worst.toFixed(2)}× (${worst <= TARGET ? 'met' : 'missed'})`,
    );
    console.log(
      `builder 2 is a second dockerd on this ${process.arch === 'x64' ? 'amd64' : process.arch} machine (${BUILDERS_ENV}=linux/arm64=<its socket>?emulated=true): ` +
        'its arm64 builds run under qemu too, so that column measures the per-platform builder path, not native arm64 speed',
    );
    console.log(`wall time ${((Date.now() - t0) / 1000).toFixed(0)} s (second engine start and base pulls included)`);
  } finally {
    process.env = env;
    logger.info = say;
    await cleanUp();
    await guard.dispose();
  }
}

/** Builds a throwaway image that mounts the base for the platform into a build-platform stage, as the templates do. */
async function warmUp(endpoint: string | undefined, platform: string, base: string, tag: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'janus-bench-multiarch-warmup-'));
  try {
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM ${base} AS target-base\nFROM --platform=$BUILDPLATFORM ${base}\nRUN --mount=type=bind,from=target-base,target=/target ls /target >/dev/null\n`,
    );
    const host = endpoint ? ['-H', endpoint] : [];
    await runCommand('/usr/bin/docker', [...host, 'build', '-q', '--platform', platform, '-t', tag, dir], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SIGTERM to this process's own children (docker build clients), the second engine excepted: it stops last. */
async function stopOwnChildren(except: number | undefined): Promise<void> {
  const { stdout } = await runCommand('ps', ['-o', 'pid=', '--ppid', String(process.pid)]).catch(() => ({ stdout: '' }));
  const pids = stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((pid) => pid > 0 && pid !== except);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  // A cancelled BuildKit build takes a moment to let go of its image.
  if (pids.length) await new Promise((r) => setTimeout(r, 2000));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
