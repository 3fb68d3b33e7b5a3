// What janus:sync costs a template maintainer and CI: on workspaces of N baseline projects, `nx sync` after a
// healthcheck change (every project's Dockerfile rewritten), and `nx sync:check` with nothing to do (after a
// check, as a developer or a CI job with Nx's workspace data meets it), each next to `nx show projects` on the
// same workspace (the graph computation every Nx command pays anyway). Beside janus's check, Nx's own floor:
// `nx sync:check` running a no-op sync generator instead (Nx computes the graph again, with fresh plugin workers,
// before it runs any sync generator). Runs are interleaved and the median of BENCH_ROUNDS is printed; ratios, not
// wall times, are the figures to compare.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCommand } from '../libs/janus/src/process/run-command';
import { formatRecord, managedRecord, PACKAGE_VERSION, renderProject } from '../libs/janus/src/rendering/render-record';
import { initGitRepo } from '../libs/janus-testing/src/git-repo';
import { TempWorkspace } from '../libs/janus-testing/src/temp-workspace';
import { REPO_ROOT } from '../tools/repo-root';

const SIZES = (process.env.BENCH_SIZES ?? '200,1000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NX = join(REPO_ROOT, 'node_modules/.bin/nx');

const plugins = [{ plugin: 'janus/plugin', options: {} }];
const nxJson = {
  janus: JSON.stringify({ plugins, sync: { globalGenerators: ['janus:sync'] } }),
  // janus:sync is also a task sync generator of the inferred targets: off, so only the no-op runs.
  noop: JSON.stringify({ plugins, sync: { globalGenerators: ['noop-sync:sync'], disabledTaskSyncGenerators: ['janus:sync'] } }),
};

/** N projects as `nx g janus:baseline` writes them, rendered in-process (generating 200 through the CLI takes minutes). */
async function workspace(size: number): Promise<TempWorkspace> {
  const ws = new TempWorkspace('janus-bench-sync-');
  cpSync(join(REPO_ROOT, 'templates'), ws.path('templates'), { recursive: true });
  writeFileSync(ws.path('nx.json'), nxJson.janus);
  const options = { flavor: 'plain' as const, port: 8080, baseImage: 'python:3.11-slim', uid: 1000 };
  for (let i = 0; i < size; i++) {
    const name = `agent-${i}`;
    const files = renderProject(name, { template: 'baseline', options }, undefined, ws.path('templates'));
    const write = (path: string, content: string) => {
      mkdirSync(dirname(ws.path('apps', name, path)), { recursive: true });
      writeFileSync(ws.path('apps', name, path), content);
    };
    for (const f of files) write(f.path, f.content);
    write('janus.json', formatRecord({ template: 'baseline', options, pluginVersion: PACKAGE_VERSION, managed: managedRecord(files) }));
    write('project.json', JSON.stringify({ name, projectType: 'application', tags: ['janus:baseline'] }));
  }
  // Nx's floor: a sync generator that does nothing, in a package of the workspace's own.
  const noop = ws.path('node_modules/noop-sync');
  mkdirSync(noop);
  writeFileSync(join(noop, 'package.json'), JSON.stringify({ name: 'noop-sync', version: '0.0.0', generators: './generators.json' }));
  writeFileSync(
    join(noop, 'generators.json'),
    JSON.stringify({ generators: { sync: { factory: './index.js#sync', schema: './schema.json', description: 'nothing' } } }),
  );
  writeFileSync(join(noop, 'schema.json'), JSON.stringify({ type: 'object', properties: {} }));
  writeFileSync(join(noop, 'index.js'), 'exports.sync = async () => ({});\n');
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

async function main() {
  console.log(`nx sync / sync:check (median of ${ROUNDS}, seconds) against nx show projects on the same workspace`);
  console.log(
    'projects  show projects  sync:check (in sync)  ratio   Nx floor: sync:check, no-op generator  ratio   sync (healthcheck changed, N Dockerfiles)  ratio',
  );
  for (const size of SIZES) {
    const ws = await workspace(size);
    const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CI: 'true', JANUS_TEMPLATES_DIR: ws.path('templates') };
    const nx = (args: string[]) => runCommand(NX, args, { cwd: ws.root, env });
    const git = (args: string[]) => runCommand('git', args, { cwd: ws.root });
    const partial = ws.path('templates/partials/healthcheck.hbs');
    const original = readFileSync(partial, 'utf8');
    const times: Record<'show' | 'check' | 'floor' | 'sync', number[]> = { show: [], check: [], floor: [], sync: [] };
    try {
      for (let r = 0; r < ROUNDS; r++) {
        await nx(['show', 'projects']); // warms the graph caches (nx.json changed)
        times.show.push(await seconds(() => nx(['show', 'projects'])));
        await nx(['sync:check']); // the check before: the last round's sync changed the templates and back
        times.check.push(await seconds(() => nx(['sync:check'])));
        writeFileSync(ws.path('nx.json'), nxJson.noop);
        await nx(['show', 'projects']);
        times.floor.push(await seconds(() => nx(['sync:check'])));
        writeFileSync(ws.path('nx.json'), nxJson.janus);
        writeFileSync(partial, original.replace('--retries={{healthcheck.retries}}', '--retries=4'));
        times.sync.push(await seconds(() => nx(['sync'])));
        const changed = (await git(['diff', '--name-only', 'apps'])).stdout.trim().split('\n').filter(Boolean).length;
        if (changed !== size) throw new Error(`nx sync changed ${changed} files, expected ${size} Dockerfiles`);
        writeFileSync(partial, original);
        await git(['checkout', '-q', '--', 'apps']);
      }
    } finally {
      ws.dispose();
    }
    const [show, check, floor, sync] = [median(times.show), median(times.check), median(times.floor), median(times.sync)];
    const ratio = (x: number) => (x / show).toFixed(2).padStart(5);
    console.log(
      `${String(size).padStart(8)}  ${show.toFixed(2).padStart(13)}  ${check.toFixed(2).padStart(20)}  ${ratio(check)}   ${floor.toFixed(2).padStart(36)}  ${ratio(floor)}   ${sync.toFixed(2).padStart(41)}  ${ratio(sync)}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
