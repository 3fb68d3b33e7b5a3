import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { logger as nxLogger } from 'nx/src/utils/logger';
import type * as CreateNodesModule from './create-nodes';

// The cache lives under Nx's workspace data directory, which nx fixes when its module loads: point it at a
// temporary folder before create-nodes (and nx through it) is loaded.
const dataDir = mkdtempSync(join(tmpdir(), 'janus-inference-data-'));
process.env.NX_WORKSPACE_DATA_DIRECTORY = dataDir;
const cacheFile = join(dataDir, 'janus-inference.json');

type Result = {
  projects: Record<string, { targets: Record<string, { inputs?: unknown[]; options?: Record<string, unknown> }>; metadata?: Record<string, unknown> }>;
};

describe('the inference cache', () => {
  let ws: string;
  let plugin: typeof CreateNodesModule;
  let logger: typeof nxLogger;
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), content);
  };
  const files = ['apps/a/Dockerfile', 'apps/b/Dockerfile'];
  const graph = async (options: object = { platforms: 'linux/amd64' }) => {
    const results = (await plugin.createNodes[1](files, options, { workspaceRoot: ws, nxJsonConfiguration: {} })) as Array<[string, Result]>;
    return Object.fromEntries(results.map(([file, r]) => [dirname(file), Object.values(r.projects ?? {})[0]]).filter(([, p]) => p)) as Record<
      string,
      Result['projects'][string]
    >;
  };
  // Marks every kept result, so a graph that answers from the cache shows the mark and one that inferred does not.
  const markCache = () => {
    const kept = JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: Record<string, { result: Result }> };
    for (const e of Object.values(kept.entries)) for (const p of Object.values(e.result.projects)) p.metadata = { ...p.metadata, kept: true };
    writeFileSync(cacheFile, JSON.stringify(kept));
  };
  const fromCache = async (options?: object) => Object.fromEntries(Object.entries(await graph(options)).map(([root, p]) => [root, p.metadata?.kept === true]));

  beforeAll(async () => {
    plugin = await import('./create-nodes');
    ({ logger } = await import('nx/src/utils/logger'));
  });
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'janus-inference-'));
    rmSync(cacheFile, { force: true });
    write('nx.json', '{}');
    write('templates/partials/user.hbs', 'USER 1000\n');
    write('templates/baseline/Dockerfile.hbs', 'FROM python:3.11-slim\n{{> user}}\n');
    for (const p of ['a', 'b']) {
      write(`apps/${p}/Dockerfile`, 'FROM python:3.11-slim\nCOPY app /app\nUSER 1000\n');
      write(
        `apps/${p}/janus.json`,
        JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 8080, baseImage: 'python:3.11-slim', uid: 1000 } }),
      );
      write(`apps/${p}/app/main.py`, 'print(1)\n');
    }
    process.env.JANUS_TEMPLATES_DIR = join(ws, 'templates');
  });
  afterEach(() => {
    delete process.env.JANUS_TEMPLATES_DIR;
    jest.restoreAllMocks();
    rmSync(ws, { recursive: true, force: true });
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers an unchanged project from the cache, and infers again exactly when a fact its targets depend on changes', async () => {
    write('apps/a/src/x.py', 'x\n');
    await graph();
    markCache();
    expect(await fromCache()).toEqual({ 'apps/a': true, 'apps/b': true });
    // A source file's content is no fact of the targets (only its name is): still a hit.
    appendFileSync(join(ws, 'apps/a/app/main.py'), 'print(2)\n');
    expect(await fromCache()).toEqual({ 'apps/a': true, 'apps/b': true });

    // A COPY source changed in the Dockerfile (edited in place: no folder changes): that project alone, with the new inputs.
    write('apps/a/Dockerfile', 'FROM python:3.11-slim\nCOPY src /app\nUSER 1000\n');
    const afterCopy = await graph();
    expect(afterCopy['apps/a'].metadata?.kept).toBeUndefined();
    expect(afterCopy['apps/b'].metadata?.kept).toBe(true);
    expect(afterCopy['apps/a'].targets['docker-build'].inputs).toContain('{workspaceRoot}/apps/a/src/x.py');

    // janus.json changed: that project's targets follow it.
    markCache();
    write('apps/b/janus.json', JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 9090, baseImage: 'python:3.11-slim', uid: 1000 } }));
    const afterRecord = await graph();
    expect(afterRecord['apps/b'].metadata?.kept).toBeUndefined();
    expect(afterRecord['apps/b'].targets['contract-test'].options).toMatchObject({ port: 9090 });
    expect(afterRecord['apps/a'].metadata?.kept).toBe(true);

    // A new file in a build context (its listing is a fact: COPY of a folder reads it).
    markCache();
    write('apps/b/app/extra.py', 'x\n');
    const afterAdd = await graph();
    expect(afterAdd['apps/b'].targets['docker-build'].inputs).toContain('{workspaceRoot}/apps/b/app/extra.py');
    expect(afterAdd['apps/a'].metadata?.kept).toBe(true);

    // A new partial in the templates: every project rendered from them.
    markCache();
    write('templates/partials/extra.hbs', 'x\n');
    expect(await fromCache()).toEqual({ 'apps/a': false, 'apps/b': false });

    // A plugin option: everything.
    markCache();
    const other = await graph({ platforms: 'linux/arm64' });
    expect(other['apps/a'].metadata?.kept).toBeUndefined();
    expect(other['apps/a'].targets['docker-build'].options?.platforms).toBe('linux/arm64');
  });

  it('keeps each distinct target configuration once, gives hits the same targets a miss inferred, and takes a bad index as a miss', async () => {
    const cold = await graph();
    const kept = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
      targets: unknown[];
      entries: Record<string, { result: { projects: Record<string, { targets: Record<string, unknown> }> } }>;
    };
    const refs = Object.values(kept.entries).flatMap((e) => Object.values(e.result.projects).flatMap((p) => Object.values(p.targets)));
    expect(refs.every((r) => typeof r === 'number')).toBe(true);
    // Two projects from the same template: only their builds (inputs name their own files) differ.
    expect(kept.targets.length).toBe(refs.length / 2 + 1);
    markCache();
    const warm = await graph();
    expect(Object.values(warm).map((p) => p.metadata?.kept)).toEqual([true, true]);
    expect(Object.values(warm).map((p) => p.targets)).toEqual(Object.values(cold).map((p) => p.targets));
    // A hand-edited index that is not in the table: that project is inferred again, without a word.
    const edited = JSON.parse(readFileSync(cacheFile, 'utf8')) as typeof kept;
    edited.entries['apps/a/Dockerfile'].result.projects['apps/a'].targets['docker-build'] = 999;
    writeFileSync(cacheFile, JSON.stringify(edited));
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const again = await graph();
    expect(again['apps/a'].metadata?.kept).toBeUndefined();
    expect(again['apps/a'].targets).toEqual(cold['apps/a'].targets);
    expect(again['apps/b'].metadata?.kept).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('keys on the Nx version, the plugin options and the templates override, not only on files', () => {
    const options = {
      include: [],
      exclude: [],
      splitPlatforms: false,
      platforms: 'linux/amd64',
      targetNames: { lint: 'l', build: 'b', contract: 'c', push: 'p', run: 'r' },
    };
    const key = plugin.inferenceKey(options, '23.2.1', {});
    expect(plugin.inferenceKey(options, '23.2.1', {})).toBe(key);
    expect(plugin.inferenceKey(options, '23.3.0', {})).not.toBe(key);
    expect(plugin.inferenceKey({ ...options, platforms: 'linux/arm64' }, '23.2.1', {})).not.toBe(key);
    expect(plugin.inferenceKey(options, '23.2.1', { JANUS_TEMPLATES_DIR: '/t' })).not.toBe(key);
  });

  it.each([
    ['not JSON', () => 'garbage{'],
    ['truncated', () => readFileSync(cacheFile, 'utf8').slice(0, 200)],
    ['a JSON value of another shape', () => '[1, 2]'],
  ])('discards a cache file that is %s with one warning, and rebuilds it', async (_what, corrupt) => {
    const good = await graph();
    writeFileSync(cacheFile, corrupt());
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(await graph()).toEqual(good);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/^janus: discarding the inference cache .*janus-inference\.json, which cannot be read/);
    // Rebuilt: the next graph reads it without a word.
    expect(Object.keys((JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: object }).entries)).toEqual(files);
    warn.mockClear();
    expect(await graph()).toEqual(good);
    expect(warn).not.toHaveBeenCalled();
  });

  it('leaves out a project whose files cannot be read, naming it, and keeps the rest of the graph', async () => {
    // Its build context is a folder that cannot be listed.
    write('apps/b/project.json', JSON.stringify({ name: 'b', targets: { 'docker-build': { options: { context: 'apps/b/gone' } } } }));
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const projects = await graph();
    expect(Object.keys(projects)).toEqual(['apps/a']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^janus: apps\/b is left out of the project graph: its files cannot be read \(ENOENT/));
    // Once it can be read, it is back.
    mkdirSync(join(ws, 'apps/b/gone'));
    expect(Object.keys(await graph())).toEqual(['apps/a', 'apps/b']);
  });
});
