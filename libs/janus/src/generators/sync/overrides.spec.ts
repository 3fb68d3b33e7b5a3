import { logger, type Tree } from '@nx/devkit';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { FsTree, flushChanges } from 'nx/src/generators/tree';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineGenerator } from '../baseline/generator';
import { syncGenerator } from './generator';

const OVERRIDE = `# Acme: probes every 30 s, through the platform's own probe script.
HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{{port}}{{healthcheck.path}}', timeout=2)"]
`;

// Two workspaces on disk (overrides are files of the workspace): one overrides the healthcheck partial
// through the plugin option `templatesDir`, the other does not.
describe('workspace template overrides (templatesDir)', () => {
  const roots: string[] = [];
  function workspace(templatesDir?: string): Tree {
    const root = mkdtempSync(join(tmpdir(), 'janus-overrides-ws-'));
    roots.push(root);
    const options = templatesDir ? { templatesDir } : {};
    writeFileSync(join(root, 'nx.json'), JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options }] }));
    writeFileSync(join(root, 'package.json'), '{ "name": "ws" }');
    if (templatesDir) {
      mkdirSync(join(root, templatesDir, 'partials'), { recursive: true });
      writeFileSync(join(root, templatesDir, 'partials/healthcheck.hbs'), OVERRIDE);
    }
    return new FsTree(root, false);
  }
  const flush = (tree: Tree) => flushChanges(tree.root, tree.listChanges());
  const file = (tree: Tree, path: string) => readFileSync(join(tree.root, path), 'utf8');

  beforeEach(() => {
    for (const level of ['info', 'warn', 'error'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it("reaches only that workspace's projects, and janus.json records where each region came from", async () => {
    const acme = workspace('tools/janus-templates');
    const plain = workspace();
    for (const tree of [acme, plain]) {
      await baselineGenerator(tree, { name: 'agent', skipFormat: true });
      flush(tree);
    }
    expect(file(acme, 'apps/agent/Dockerfile')).toContain('HEALTHCHECK --interval=30s --timeout=3s CMD');
    expect(file(plain, 'apps/agent/Dockerfile')).not.toContain('--interval=30s');
    const sources = (tree: Tree) =>
      (JSON.parse(file(tree, 'apps/agent/janus.json')) as { managed: { Dockerfile: { regions: Record<string, string> } } }).managed.Dockerfile.regions;
    expect(sources(acme)).toMatchObject({
      healthcheck: 'tools/janus-templates/partials/healthcheck.hbs',
      'env-block': 'janus',
      'python-builder-stage': 'janus',
    });
    expect(sources(plain)).toMatchObject({ healthcheck: 'janus' });

    // The company changes its convention: sync carries it into its own workspace, the other has nothing to do.
    writeFileSync(join(acme.root, 'tools/janus-templates/partials/healthcheck.hbs'), OVERRIDE.replace('--interval=30s', '--interval=45s'));
    const acmeSync = (await syncGenerator(new FsTree(acme.root, false))) as { outOfSyncDetails?: string[] };
    expect(acmeSync.outOfSyncDetails).toEqual(['apps/agent/Dockerfile: healthcheck (+1 -1)']);
    expect(await syncGenerator(new FsTree(plain.root, false))).toEqual({});
  });

  it('refuses an override folder that does not exist, naming the option and the value', async () => {
    const tree = workspace();
    writeFileSync(join(tree.root, 'nx.json'), JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { templatesDir: 'tools/missing' } }] }));
    await expect(baselineGenerator(new FsTree(tree.root, false), { name: 'agent', skipFormat: true })).rejects.toThrow(
      /'templatesDir' = "tools\/missing": no such folder in the workspace/,
    );
    writeFileSync(join(tree.root, 'nx.json'), JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { templatesDir: '../elsewhere' } }] }));
    await expect(syncGenerator(new FsTree(tree.root, false))).rejects.toThrow(/templatesDir.*"\.\.\/elsewhere".*inside the workspace/);
  });
});
