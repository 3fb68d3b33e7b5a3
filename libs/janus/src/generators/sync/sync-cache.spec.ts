import { logger } from '@nx/devkit';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { FsTree, flushChanges } from 'nx/src/generators/tree';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatRecord, managedRecord, PACKAGE_VERSION, renderProject } from '../../rendering/render-record';
import { syncGenerator } from './generator';
import { syncCacheKey } from './lib/sync-cache';
import { REPO_ROOT } from '../../../../../tools/repo-root';

// sync:check answers from its cache for a project only while nothing the check reads has changed. Each case
// changes one of those inputs after a first check and expects the second check to render that project again
// and see what the change did.
describe('janus:sync cache (what sync:check already knows)', () => {
  let root: string;
  let templates: string;
  let cacheFile: string;
  const savedEnv = process.env.JANUS_TEMPLATES_DIR;
  const path = (...p: string[]) => join(root, ...p);
  const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));
  const warnings = () => (logger.warn as jest.Mock).mock.calls.map((c) => String(c[0]));

  async function check() {
    const stats = { hits: 0, misses: 0 };
    const tree = new FsTree(root, false);
    try {
      const result = (await syncGenerator(tree, undefined, { cacheFile, stats })) as { outOfSyncMessage?: string };
      return { ...stats, outOfSync: result.outOfSyncMessage, error: undefined, changes: tree.listChanges().length };
    } catch (e) {
      const error = [(e as Error).message, ...((e as { bodyLines?: string[] }).bodyLines ?? [])].join('\n');
      return { ...stats, outOfSync: undefined, error, changes: tree.listChanges().length };
    }
  }

  beforeEach(async () => {
    for (const level of ['info', 'warn', 'error'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
    root = mkdtempSync(join(tmpdir(), 'janus-sync-cache-'));
    templates = path('plugin-templates');
    cpSync(join(REPO_ROOT, 'templates'), templates, { recursive: true });
    process.env.JANUS_TEMPLATES_DIR = templates;
    cacheFile = path('.nx/workspace-data/janus-sync.json');
    writeFileSync(path('nx.json'), JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: {} }] }));
    writeFileSync(path('package.json'), '{ "name": "ws" }');
    // Written as the baseline generator renders them, before Nx's workspace context (which lists the projects) exists.
    const options = { flavor: 'plain' as const, port: 8080, baseImage: 'python:3.11-slim', uid: 1000 };
    for (const name of ['agent-a', 'agent-b']) {
      const files = renderProject(name, { template: 'baseline', options }, undefined, templates);
      const write = (file: string, content: string) => {
        mkdirSync(dirname(path('apps', name, file)), { recursive: true });
        writeFileSync(path('apps', name, file), content);
      };
      for (const f of files) write(f.path, f.content);
      write('janus.json', formatRecord({ template: 'baseline', options, pluginVersion: PACKAGE_VERSION, managed: managedRecord(files) }));
      write('project.json', JSON.stringify({ name, projectType: 'application', tags: ['janus:baseline'] }));
    }
    const first = await check();
    expect(first).toMatchObject({ hits: 0, misses: 2, outOfSync: undefined, error: undefined });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    if (savedEnv === undefined) delete process.env.JANUS_TEMPLATES_DIR;
    else process.env.JANUS_TEMPLATES_DIR = savedEnv;
    rmSync(root, { recursive: true, force: true });
  });

  it('renders nothing again when nothing changed', async () => {
    expect(await check()).toMatchObject({ hits: 2, misses: 0, outOfSync: undefined, changes: 0 });
  });

  it('notices a changed shared partial', async () => {
    edit(join(templates, 'partials/healthcheck.hbs'), (t) => t.replace('--retries={{healthcheck.retries}}', '--retries=4'));
    expect(await check()).toMatchObject({ hits: 0, misses: 2, outOfSync: expect.stringContaining('2 project(s)') });
  });

  it('notices a changed template set file, even outside any region', async () => {
    edit(join(templates, 'baseline/Dockerfile.hbs'), (t) => `${t}# one more line\n`);
    expect(await check()).toMatchObject({ hits: 0, misses: 2, outOfSync: undefined });
  });

  it('notices a changed workspace override (the templatesDir folder), and the option itself', async () => {
    mkdirSync(path('tpl/partials'), { recursive: true });
    writeFileSync(path('tpl/partials/healthcheck.hbs'), readFileSync(join(templates, 'partials/healthcheck.hbs')));
    writeFileSync(path('nx.json'), JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { templatesDir: 'tpl' } }] }));
    // The option changed: every project again (their regions now come from tpl/, so janus.json records it).
    expect(await check()).toMatchObject({ hits: 0, misses: 2, outOfSync: expect.stringContaining('2 project(s)') });
    flushChanges(root, (await syncAndKeep()).listChanges());
    expect(await check()).toMatchObject({ hits: 0, misses: 2, outOfSync: undefined });
    expect(await check()).toMatchObject({ hits: 2, misses: 0, outOfSync: undefined });
    edit(path('tpl/partials/healthcheck.hbs'), (t) => t.replace('--retries={{healthcheck.retries}}', '--retries=4'));
    expect(await check()).toMatchObject({ hits: 0, misses: 2, outOfSync: expect.stringContaining('2 project(s)') });
  });

  it("notices a project's janus.json: its options, and the plugin version it records", async () => {
    edit(path('apps/agent-a/janus.json'), (t) => t.replace('"port": 8080', '"port": 9090'));
    expect(await check()).toMatchObject({ hits: 1, misses: 1, outOfSync: expect.stringContaining('1 project(s)') });
    edit(path('apps/agent-a/janus.json'), (t) => t.replace('"port": 9090', '"port": 8080'));
    edit(path('apps/agent-b/janus.json'), (t) => t.replace(/"pluginVersion": "[^"]*"/, '"pluginVersion": "0.0.1"'));
    // agent-a was out of sync, so it is checked in full again (and is in step once more); agent-b's record is not.
    expect(await check()).toMatchObject({ hits: 0, misses: 2, outOfSync: expect.stringContaining('1 project(s)') });
  });

  it('notices a hand edit inside a managed region, lists it as kept, and lists it again from the cache', async () => {
    edit(path('apps/agent-a/Dockerfile'), (t) => t.replace(/--retries=\d+/, '--retries=9'));
    expect(await check()).toMatchObject({ hits: 1, misses: 1, outOfSync: undefined });
    const kept = warnings().filter((w) => w.includes('kept apps/agent-a/Dockerfile'));
    expect(kept).toHaveLength(1);
    expect(await check()).toMatchObject({ hits: 2, misses: 0, outOfSync: undefined });
    expect(warnings().filter((w) => w.includes('kept apps/agent-a/Dockerfile'))).toEqual([...kept, ...kept]);
  });

  it('notices a broken marker and a deleted managed file', async () => {
    edit(path('apps/agent-a/Dockerfile'), (t) => t.replace('# janus:end healthcheck', ''));
    expect((await check()).error).toContain('apps/agent-a/Dockerfile');
    expect((await check()).error).toContain('apps/agent-a/Dockerfile');
    rmSync(path('apps/agent-b/.dockerignore'));
    expect(await check()).toMatchObject({ misses: 2, error: expect.stringContaining('apps/agent-a/Dockerfile') });
  });

  it("is keyed on the plugin's code, the workspace, the templates folder and nx.json's plugins", () => {
    const key = syncCacheKey('0.2.0+abc', '/ws', '/t', '{"plugins":[]}');
    expect(syncCacheKey('0.2.0+abd', '/ws', '/t', '{"plugins":[]}')).not.toBe(key);
    expect(syncCacheKey('0.2.0+abc', '/ws2', '/t', '{"plugins":[]}')).not.toBe(key);
    expect(syncCacheKey('0.2.0+abc', '/ws', '/t2', '{"plugins":[]}')).not.toBe(key);
    expect(syncCacheKey('0.2.0+abc', '/ws', '/t', '{"plugins":["janus/plugin"]}')).not.toBe(key);
    // Only the plugin entries count: sync settings do not change a rendering.
    expect(syncCacheKey('0.2.0+abc', '/ws', '/t', '{"plugins":[],"sync":{"applyChanges":true}}')).toBe(key);
  });

  it('discards a corrupt or truncated cache file with one warning, checks every project, and writes it anew', async () => {
    for (const corrupt of [(t: string) => t.slice(0, 100), () => '[]', () => '{"format":"janus-sync-1"}']) {
      edit(cacheFile, corrupt);
      (logger.warn as jest.Mock).mockClear();
      expect(await check()).toMatchObject({ hits: 0, misses: 2, outOfSync: undefined, error: undefined });
      expect(warnings()).toEqual([expect.stringMatching(/^janus: discarding the sync cache .*janus-sync\.json, which cannot be read/)]);
      expect(await check()).toMatchObject({ hits: 2, misses: 0 });
    }
  });

  // `nx sync` as Nx applies it: the generator's changes written to disk.
  async function syncAndKeep() {
    const tree = new FsTree(root, false);
    await syncGenerator(tree, undefined, { cacheFile });
    return tree;
  }
});
