// Project-graph cost of inference: the same workspace of N container projects with no plugin, with janus's
// inference and with @nx/docker 23.2.1's, cold (after `nx reset`) and warm, runs interleaved so all three see
// the same machine load. Prints each plugin's overhead over the plain workspace and janus / @nx/docker
// (target ≤ 1/6, cold and warm). A fourth variant, a plugin that matches every Dockerfile and returns nothing,
// measures what Nx charges any plugin (its own worker process, @nx/devkit loaded in it), so the plugins'
// own work shows beside the total. Then CI's line on 20 built projects after one changes: built / total
// (target 1/20).
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { runCommand } from '../libs/janus/src/process/run-command';
import { initGitRepo } from '../libs/janus/src/testing/git-repo';
import { REPO_ROOT, TempWorkspace } from '../libs/janus/src/testing/temp-workspace';

const SIZES = (process.env.BENCH_SIZES ?? '10,50,200').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NX = join(REPO_ROOT, 'node_modules/.bin/nx');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CI: 'true' };

type Variant = 'none' | 'empty' | 'janus' | '@nx/docker';
const VARIANTS: Variant[] = ['none', 'empty', 'janus', '@nx/docker'];
const EMPTY_PLUGIN = "require('@nx/devkit');\nexports.createNodes = ['**/Dockerfile', () => []];\n";
const PLUGINS: Record<Variant, unknown[]> = {
  none: [],
  // Installed like the other two (a local path plugin would be loaded through Nx's transpiler and cost more).
  empty: ['janus-bench-empty-plugin'],
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
  if (variant === 'empty') {
    const pkg = ws.path('node_modules/janus-bench-empty-plugin');
    mkdirSync(pkg);
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'janus-bench-empty-plugin', version: '0.0.0', main: 'index.js' }));
    writeFileSync(join(pkg, 'index.js'), EMPTY_PLUGIN);
  }
  for (let i = 0; i < size; i++) project(ws, `svc-${i}`);
  writeFileSync(ws.path('.gitignore'), 'node_modules\ndist\n.nx\n');
  await initGitRepo(ws.root);
  return ws;
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const graph = (ws: TempWorkspace) => runCommand(NX, ['show', 'projects', '--json'], { cwd: ws.root, env });

async function graphCost(): Promise<void> {
  console.log(`project graph: median of ${ROUNDS} interleaved runs (seconds); overhead = variant - no plugin`);
  console.log(
    'projects  state   none   empty   janus  @nx/docker   janus overhead  @nx/docker overhead  janus/@nx/docker (target ≤ 0.17)  same, above an empty plugin',
  );
  for (const size of SIZES) {
    const spaces = {} as Record<Variant, TempWorkspace>;
    for (const variant of VARIANTS) spaces[variant] = await workspace(size, variant);
    const times: Record<string, number[]> = {};
    try {
      for (let r = 0; r < ROUNDS; r++) {
        for (const variant of VARIANTS) {
          const ws = spaces[variant];
          await runCommand(NX, ['reset'], { cwd: ws.root, env });
          (times[`${variant} cold`] ??= []).push(await seconds(() => graph(ws)));
          (times[`${variant} warm`] ??= []).push(await seconds(() => graph(ws)));
        }
      }
    } finally {
      for (const ws of Object.values(spaces)) ws.dispose();
    }
    for (const state of ['cold', 'warm']) {
      const [none, empty, janus, docker] = VARIANTS.map((v) => median(times[`${v} ${state}`]));
      const jo = Math.max(0, janus - none);
      const dox = Math.max(0.001, docker - none);
      const aboveEmpty = Math.max(0, janus - empty) / Math.max(0.001, docker - empty);
      const cells = [none, empty, janus].map((t) => t.toFixed(2).padStart(6));
      console.log(
        `${String(size).padStart(8)}  ${state}  ${cells.join(' ')}  ${docker.toFixed(2).padStart(10)}   ${jo.toFixed(2).padStart(13)}  ${(docker - none).toFixed(2).padStart(19)}  ${(jo / dox).toFixed(2).padStart(31)}  ${aboveEmpty.toFixed(2).padStart(27)}`,
      );
    }
  }
}

async function affectedOneOfTwenty(): Promise<void> {
  const ws = await workspace(20, 'janus');
  try {
    await runCommand(NX, ['run-many', '-t', 'docker-build', '--exclude-task-dependencies'], { cwd: ws.root, env });
    appendFileSync(ws.path('apps/svc-7/app/main.py'), '# changed\n');
    const out = stripVTControlCharacters(
      (await runCommand(NX, ['affected', '-t', 'docker-build', '--exclude-task-dependencies', '--output-style=stream'], { cwd: ws.root, env })).stdout,
    );
    const tasks = [...out.matchAll(/^> nx run ([\w-]+):docker-build.*$/gm)];
    const built = tasks.filter(([line]) => !/cache/.test(line)).length;
    console.log(`nx affected -t docker-build after one of 20 projects changed: built ${built}/20 (target 1/20; ${tasks.length} tasks considered)`);
  } finally {
    ws.dispose();
  }
}

async function main() {
  await graphCost();
  await affectedOneOfTwenty();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
