import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as devkit from '@nx/devkit';
import * as devkitInternal from '@nx/devkit/internal';
import { runCommand } from '../process/run-command';
import { fromNx, nx, projectHashes } from './nx-runtime';
import { REPO_ROOT } from '../../../../tools/repo-root';

describe('what Nx functions the plugin takes', () => {
  it('are the very ones @nx/devkit exports', () => {
    expect(nx.createNodesFromFiles()).toBe(devkit.createNodesFromFiles);
    expect(nx.logger()).toBe(devkit.logger);
    expect(nx.DependencyType()).toBe(devkit.DependencyType);
    expect(nx.validateDependency()).toBe(devkit.validateDependency);
    expect(nx.hashArray()).toBe(devkit.hashArray);
    expect(nx.hashObject()).toBe(devkitInternal.hashObject);
    expect(nx.PluginCache()).toBe(devkitInternal.PluginCache);
    expect(nx.workspaceDataDirectory()).toBe(devkitInternal.workspaceDataDirectory);
  });

  it('fall back to the public API where this Nx keeps a module elsewhere, and say so when neither has it', () => {
    expect(fromNx('no/such/module', 'logger', '@nx/devkit')()).toBe(devkit.logger);
    expect(() => fromNx('no/such/module', 'noSuchFunction', '@nx/devkit')()).toThrow(
      /^janus needs 'noSuchFunction' from nx\/src\/no\/such\/module or @nx\/devkit, which this nx \S+ does not provide \(supported: nx >=/,
    );
  });

  it("hash projects as @nx/devkit's calculateHashesForCreateNodes does", async () => {
    const ws = mkdtempSync(join(tmpdir(), 'janus-hashes-'));
    try {
      for (const f of ['a/Dockerfile', 'a/app/main.py', 'b/Dockerfile']) {
        mkdirSync(dirname(join(ws, f)), { recursive: true });
        writeFileSync(join(ws, f), f);
      }
      const options = { options: { platforms: 'linux/amd64' }, PLUGIN_VERSION: '1' };
      const theirs = await devkitInternal.calculateHashesForCreateNodes(['a', 'b'], options, { workspaceRoot: ws, nxJsonConfiguration: {} });
      const ours = await projectHashes(['a', 'b'], options, ws);
      expect(ours).toEqual(theirs);
      expect(new Set(ours).size).toBe(2);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});

// The plugin entry as Nx loads it, in a process of its own (as Nx's plugin worker is), against a real workspace:
// a warm graph computation must load neither @nx/devkit nor anything only inference needs.
describe('a warm graph computation', () => {
  const ONLY_ON_A_MISS = ['/node_modules/@nx/devkit/', '/node_modules/zod/', '/node_modules/handlebars/', '/node_modules/dockerfile-ast/', '/infer-targets.'];
  const probe = `
    const { createNodes } = require(${JSON.stringify(join(REPO_ROOT, 'libs/janus/plugin.ts'))});
    const files = ['apps/a/Dockerfile', 'apps/b/Dockerfile'];
    createNodes[1](files, { platforms: 'linux/amd64' }, { workspaceRoot: process.cwd(), nxJsonConfiguration: {} }).then((results) => {
      const loaded = Object.keys(require.cache).filter((m) => ${JSON.stringify(ONLY_ON_A_MISS)}.some((s) => m.includes(s)));
      process.stdout.write(JSON.stringify({ results, loaded }));
    });`;
  let ws: string;
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), content);
  };
  const computeGraph = async () => {
    const env = { ...process.env, NX_DAEMON: 'false', NX_WORKSPACE_DATA_DIRECTORY: join(ws, '.nx/data'), SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json') };
    const out = await runCommand(process.execPath, ['-r', require.resolve('@swc-node/register'), '-e', probe], { cwd: ws, env });
    return JSON.parse(out.stdout) as { results: unknown[]; loaded: string[] };
  };
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'janus-warm-'));
    write('nx.json', '{}');
    for (const p of ['a', 'b']) {
      write(`apps/${p}/Dockerfile`, 'FROM python:3.11-slim\nCOPY app /app\nUSER 1000\n');
      write(`apps/${p}/janus.json`, '{}');
      write(`apps/${p}/app/main.py`, 'print(1)\n');
    }
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('loads only what a cache hit needs, gives what the miss inferred, and infers again after a file changes', async () => {
    const cold = await computeGraph();
    expect(cold.loaded).toEqual(expect.arrayContaining([expect.stringMatching(/zod/), expect.stringMatching(/infer-targets/)]));
    const warm = await computeGraph();
    expect(warm.loaded).toEqual([]);
    expect(warm.results).toEqual(cold.results);
    appendFileSync(join(ws, 'apps/a/app/main.py'), 'print(2)\n');
    write('apps/a/app/extra.py', 'x\n');
    const changed = await computeGraph();
    expect(changed.loaded).toEqual(expect.arrayContaining([expect.stringMatching(/infer-targets/)]));
    expect(JSON.stringify(changed.results)).toContain('{workspaceRoot}/apps/a/app/extra.py');
    // Three node processes compiling the plugin with swc: seconds each on a loaded machine.
  }, 120_000);
});
