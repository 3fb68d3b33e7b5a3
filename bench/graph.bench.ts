// Project-graph cost of inference: the same workspace of N container projects with no plugin, with janus's
// inference and with @nx/docker 23.2.1's, cold (after `nx reset`) and warm, runs interleaved so all see the
// same machine load. Prints each plugin's overhead over the plain workspace and janus / @nx/docker (target
// ≤ 1/6, cold and warm), in wall time and in CPU time (user + sys of the whole nx process tree, plugin workers
// included: on a shared machine the wall time of one run swings with everyone else's load; the CPU it burns
// much less). Two floor variants measure what Nx charges any plugin, so the plugins' own work shows beside
// the total: "bare" is a package plugin that matches every Dockerfile and returns nothing (Nx's plugin worker
// process alone), "empty" the same plugin loading @nx/devkit (what a plugin written the usual way pays before
// it does anything). Then CI's line on 20 built projects after one changes: built / total (target 1/20).
import { mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { runCommand } from '../libs/janus/src/process/run-command';
import { initGitRepo } from '../libs/janus-testing/src/git-repo';
import { TempWorkspace } from '../libs/janus-testing/src/temp-workspace';
import { REPO_ROOT } from '../tools/repo-root';

// Nx's own goal is measured at about a thousand projects: that size is the one the warm path must hold at.
const SIZES = (process.env.BENCH_SIZES ?? '10,50,200,1000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// While iterating on one plugin: BENCH_VARIANTS=none,bare,janus leaves out @nx/docker (41 s cold at 1000 projects),
// BENCH_AFFECTED=0 the affected step (it builds images; BENCH_AFFECTED=N sizes its workspace, 20 by default).
// The defaults measure everything.
const ONLY = process.env.BENCH_VARIANTS?.split(',').map((v) => v.trim());
const AFFECTED = Number(process.env.BENCH_AFFECTED ?? 20);
const NX = join(REPO_ROOT, 'node_modules/.bin/nx');
const TREE_CPU = join(__dirname, 'process-tree-cpu.pl');
const WORKER_CPU = join(__dirname, 'plugin-worker-cpu.js');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CI: 'true' };

type Variant = 'none' | 'bare' | 'empty' | 'janus' | '@nx/docker';
const ALL_VARIANTS: Variant[] = ['none', 'bare', 'empty', 'janus', '@nx/docker'];
const VARIANTS = ALL_VARIANTS.filter((v) => !ONLY || ONLY.includes(v));
/** The floor plugins, installed like the others (a local path plugin would be loaded through Nx's transpiler and cost more). */
const FLOOR_PLUGINS: Partial<Record<Variant, { name: string; code: string }>> = {
  bare: { name: 'janus-bench-bare-plugin', code: "exports.createNodes = ['**/Dockerfile', () => []];\n" },
  empty: { name: 'janus-bench-empty-plugin', code: "require('@nx/devkit');\nexports.createNodes = ['**/Dockerfile', () => []];\n" },
};
/** The name Nx gives each variant's plugin worker. */
const PLUGIN_NAMES: Record<Variant, string | undefined> = {
  none: undefined,
  bare: FLOOR_PLUGINS.bare!.name,
  empty: FLOOR_PLUGINS.empty!.name,
  janus: 'janus/plugin',
  '@nx/docker': '@nx/docker',
};
const PLUGINS: Record<Variant, unknown[]> = {
  none: [],
  bare: [FLOOR_PLUGINS.bare!.name],
  empty: [FLOOR_PLUGINS.empty!.name],
  janus: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64' } }],
  '@nx/docker': ['@nx/docker'],
};

function project(ws: TempWorkspace, name: string): void {
  const dir = ws.path('apps', name);
  mkdirSync(join(dir, 'app'), { recursive: true });
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM python:3.11-slim\nCOPY app /app\nUSER 1000:1000\nEXPOSE 8080\nHEALTHCHECK CMD ["python", "-c", "print(1)"]\nCMD ["python", "/app/main.py"]\n',
  );
  writeFileSync(join(dir, '.dockerignore'), '.git\n.env\n**/__pycache__\n');
  writeFileSync(join(dir, 'janus.json'), '{}\n');
  writeFileSync(join(dir, 'README.md'), `# ${name}\n`);
  writeFileSync(join(dir, 'app/main.py'), `print(${JSON.stringify(name)})\n`);
  writeFileSync(join(dir, 'project.json'), JSON.stringify({ name }));
}

async function workspace(size: number, variant: Variant): Promise<TempWorkspace> {
  const ws = new TempWorkspace('janus-bench-graph-');
  writeFileSync(ws.path('nx.json'), JSON.stringify({ plugins: PLUGINS[variant] }));
  const floor = FLOOR_PLUGINS[variant];
  if (floor) {
    const pkg = ws.path('node_modules', floor.name);
    mkdirSync(pkg);
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: floor.name, version: '0.0.0', main: 'index.js' }));
    writeFileSync(join(pkg, 'index.js'), floor.code);
  }
  for (let i = 0; i < size; i++) project(ws, `svc-${i}`);
  writeFileSync(ws.path('.gitignore'), 'node_modules\ndist\n.nx\n');
  await initGitRepo(ws.root);
  return ws;
}

interface Cost {
  /** Seconds until the nx process exited. */
  wall: number;
  /** Seconds of CPU (user + sys) of nx and every process it started, plugin workers that outlive it included. */
  cpu: number;
  /** Seconds of CPU of the variant's own plugin worker process alone (0 without a plugin). */
  worker: number;
}

/** One project graph computation, measured by process-tree-cpu.pl, which waits for the whole process tree. */
async function graph(ws: TempWorkspace, variant: Variant): Promise<Cost> {
  const dir = mkdtempSync(join(tmpdir(), 'janus-bench-cpu-'));
  try {
    const out = join(dir, 'cost.json');
    const workerOut = join(dir, 'worker-cpu');
    writeFileSync(workerOut, '');
    const measured = {
      ...env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${WORKER_CPU}`.trim(),
      JANUS_BENCH_PLUGIN: PLUGIN_NAMES[variant] ?? '',
      JANUS_BENCH_WORKER_CPU: workerOut,
    };
    await runCommand('perl', [TREE_CPU, out, NX, 'show', 'projects', '--json'], { cwd: ws.root, env: measured });
    const { wall, user, sys } = JSON.parse(readFileSync(out, 'utf8')) as { wall: number; user: number; sys: number };
    const worker = readFileSync(workerOut, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .reduce((a, b) => a + b, 0);
    if (PLUGIN_NAMES[variant] && worker === 0)
      throw new Error(`no plugin worker named ${PLUGIN_NAMES[variant]} reported its CPU time; did Nx change how it starts them?`);
    return { wall, cpu: user + sys, worker };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const num = (x: number, width: number) => x.toFixed(2).padStart(width);
/** a / b for overheads: "n/a" where @nx/docker's own overhead is within noise of nothing. */
const ratio = (a: number, b: number, width: number) => (b > 0.005 ? (Math.max(0, a) / b).toFixed(2) : 'n/a').padStart(width);

async function graphCost(): Promise<void> {
  console.log(`project graph: median of ${ROUNDS} interleaved runs, seconds of wall time and of CPU time (user + sys, whole nx process tree)`);
  console.log("  worker = CPU seconds of the variant's own plugin worker process alone");
  console.log('  overhead = variant - none; "above bare" / "above empty" = variant - that floor plugin (Nx\'s plugin worker alone / with @nx/devkit loaded)');
  console.log(
    'projects  state  measure    none    bare   empty   janus  @nx/docker | overhead: bare   empty   janus  @nx/docker | janus/@nx/docker (target ≤ 0.17) | above bare: janus  @nx/docker  ratio | above empty: janus  @nx/docker  ratio',
  );
  for (const size of SIZES) {
    const spaces = {} as Record<Variant, TempWorkspace>;
    for (const variant of VARIANTS) spaces[variant] = await workspace(size, variant);
    const costs: Record<string, Cost[]> = {};
    try {
      for (let r = 0; r < ROUNDS; r++) {
        for (const variant of VARIANTS) {
          const ws = spaces[variant];
          await runCommand(NX, ['reset'], { cwd: ws.root, env });
          (costs[`${variant} cold`] ??= []).push(await graph(ws, variant));
          (costs[`${variant} warm`] ??= []).push(await graph(ws, variant));
        }
      }
    } finally {
      for (const ws of Object.values(spaces)) ws.dispose();
    }
    for (const state of ['cold', 'warm']) {
      for (const measure of ['wall', 'cpu', 'worker'] as const) {
        // A variant left out by BENCH_VARIANTS shows as NaN.
        const [none, bare, empty, janus, docker] = ALL_VARIANTS.map((v) => median((costs[`${v} ${state}`] ?? []).map((c) => c[measure])) ?? NaN);
        const over = (t: number) => t - none;
        console.log(
          [
            `${String(size).padStart(8)}  ${state}  ${measure.padEnd(7)}`,
            [none, bare, empty, janus].map((t) => num(t, 7)).join(' '),
            `${num(docker, 10)} |`,
            `${num(over(bare), 13)} ${num(over(empty), 7)} ${num(over(janus), 7)} ${num(over(docker), 11)} |`,
            `${ratio(over(janus), over(docker), 32)} |`,
            `${num(janus - bare, 17)} ${num(docker - bare, 11)} ${ratio(janus - bare, docker - bare, 6)} |`,
            `${num(janus - empty, 18)} ${num(docker - empty, 11)} ${ratio(janus - empty, docker - empty, 6)}`,
          ].join(' '),
        );
      }
    }
  }
}

/**
 * Removes the images this run built: those tagged for its workspace's commit (`sha-<short>`, which no other run
 * shares), with every tag on them (`latest` and `main` too, which then stay on the previous run's images).
 */
async function removeBuiltImages(ws: TempWorkspace): Promise<void> {
  const short = (await runCommand('git', ['rev-parse', '--short=7', 'HEAD'], { cwd: ws.root })).stdout.trim();
  const listed = await runCommand('docker', ['image', 'ls', '--format', '{{.ID}} {{.Tag}}', '--filter', 'reference=*/svc-*:*']);
  const ids = new Set(
    listed.stdout
      .split('\n')
      .filter((line) => line.endsWith(` sha-${short}`))
      .map((line) => line.split(' ')[0]),
  );
  if (ids.size) await runCommand('docker', ['rmi', '-f', ...ids]).catch(() => undefined);
}

async function affectedOneOf(size: number): Promise<void> {
  const ws = await workspace(size, 'janus');
  try {
    await runCommand(NX, ['run-many', '-t', 'docker-build', '--exclude-task-dependencies'], { cwd: ws.root, env });
    appendFileSync(ws.path(`apps/svc-${Math.floor(size / 2)}/app/main.py`), '# changed\n');
    const out = stripVTControlCharacters(
      (await runCommand(NX, ['affected', '-t', 'docker-build', '--exclude-task-dependencies', '--output-style=stream'], { cwd: ws.root, env })).stdout,
    );
    const tasks = [...out.matchAll(/^> nx run ([\w-]+):docker-build.*$/gm)];
    const built = tasks.filter(([line]) => !/cache/.test(line)).length;
    console.log(
      `nx affected -t docker-build after one of ${size} projects changed: built ${built}/${size} (target 1/${size}; ${tasks.length} tasks considered)`,
    );
  } finally {
    await removeBuiltImages(ws);
    ws.dispose();
  }
}

async function main() {
  await graphCost();
  if (AFFECTED > 0) await affectedOneOf(AFFECTED);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
