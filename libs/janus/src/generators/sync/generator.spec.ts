import { addProjectConfiguration, logger, readNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineGenerator } from '../baseline/generator';
import { syncGenerator } from './generator';
import { REPO_ROOT } from '../../../../../tools/repo-root';

// Sync on an in-memory tree with a copy of the templates that the spec changes, as a maintainer would.
describe('janus:sync', () => {
  let tree: Tree;
  let templates: string;
  const previous = process.env.JANUS_TEMPLATES_DIR;
  const warnings: string[] = [];
  const errors: string[] = [];
  const sync = async () => (await syncGenerator(tree)) as { outOfSyncMessage?: string; outOfSyncDetails?: string[] };
  const changeHealthcheck = () => {
    const file = join(templates, 'partials/healthcheck.hbs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('--retries={{healthcheck.retries}}', '--retries=5'));
  };
  const read = (path: string) => tree.read(path, 'utf8')!;

  beforeEach(async () => {
    templates = mkdtempSync(join(tmpdir(), 'janus-sync-templates-'));
    cpSync(join(REPO_ROOT, 'templates'), templates, { recursive: true });
    process.env.JANUS_TEMPLATES_DIR = templates;
    tree = createTreeWithEmptyWorkspace();
    await baselineGenerator(tree, { name: 'agent-a', skipFormat: true });
    await baselineGenerator(tree, { name: 'agent-b', flavor: 'langchain', skipFormat: true });
    warnings.length = errors.length = 0;
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation((m: string) => void warnings.push(m));
    jest.spyOn(logger, 'error').mockImplementation((m: string) => void errors.push(m));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(templates, { recursive: true, force: true });
    if (previous === undefined) delete process.env.JANUS_TEMPLATES_DIR;
    else process.env.JANUS_TEMPLATES_DIR = previous;
  });

  it('is registered globally by the generators, and a freshly generated workspace is in sync', async () => {
    expect(readNxJson(tree)?.sync?.globalGenerators).toEqual(['janus:sync']);
    expect(await sync()).toEqual({});
    expect(tree.listChanges().filter((c) => c.path.startsWith('apps/') && read(c.path) !== c.content?.toString())).toEqual([]);
  });

  it('re-renders exactly the changed region in every project, keeping every byte outside regions', async () => {
    const before = read('apps/agent-a/Dockerfile');
    tree.write('apps/agent-a/Dockerfile', before.replace('CMD ["python", "-m", "app"]', '# owner note\nLABEL team=x\nCMD ["python", "-m", "app"]'));
    const owned = read('apps/agent-a/Dockerfile');
    changeHealthcheck();
    const result = await sync();
    expect(result.outOfSyncDetails).toEqual(['apps/agent-a/Dockerfile: healthcheck (+1 -1)', 'apps/agent-b/Dockerfile: healthcheck (+1 -1)']);
    expect(result.outOfSyncMessage).toMatch(/2 managed region\(s\) or file\(s\) in 2 project\(s\)/);
    const after = read('apps/agent-a/Dockerfile');
    expect(after).toContain('--retries=5');
    // Only the healthcheck's lines and its begin marker differ.
    const changed = after.split('\n').filter((l, i) => l !== owned.split('\n')[i]);
    expect(changed).toEqual([expect.stringMatching(/^# janus:begin healthcheck [0-9a-f]{12}$/), expect.stringContaining('--retries=5')]);
    expect(after).toContain('# owner note\nLABEL team=x\n');
    // A second run has nothing left to do.
    expect(await sync()).toEqual({});
  });

  it('keeps a region its owner edited, reports it with a diff, and replaces it with --force', async () => {
    tree.write('apps/agent-b/Dockerfile', read('apps/agent-b/Dockerfile').replace('--interval=10s', '--interval=30s'));
    const edited = read('apps/agent-b/Dockerfile');
    // An edit alone is the owner's business: nothing to sync, but the check lists the region it keeps.
    expect(await sync()).toEqual({});
    expect(warnings).toEqual([
      expect.stringMatching(/^ {2}kept apps\/agent-b\/Dockerfile:\d+: healthcheck: edited in the project \(the templates have not changed it/),
    ]);
    changeHealthcheck();
    const result = await sync();
    expect(result.outOfSyncDetails).toEqual([
      'apps/agent-a/Dockerfile: healthcheck (+1 -1)',
      expect.stringMatching(/^kept \(edited in the project\): apps\/agent-b\/Dockerfile:\d+: healthcheck$/),
    ]);
    expect(read('apps/agent-b/Dockerfile')).toBe(edited);
    expect(warnings.join('\n')).toMatch(/- HEALTHCHECK --interval=30s .*--retries=3.*\n.*\+ HEALTHCHECK --interval=10s .*--retries=5/);
    // Kept regions leave nothing to write: sync:check passes.
    expect(await sync()).toEqual({});
    await syncGenerator(tree, { force: true });
    expect(read('apps/agent-b/Dockerfile')).toContain('--interval=10s --timeout=5s --start-period=10s --retries=5');
  });

  /** What Nx's sync machinery gets when the generator throws: the SyncError's title and body lines. */
  const failure = async () => {
    const e = (await sync().then(
      () => undefined,
      (err: unknown) => err,
    )) as { title?: string; bodyLines?: string[] } | undefined;
    if (!e) throw new Error('janus:sync did not fail');
    return { title: e.title ?? '', body: (e.bodyLines ?? []).join('\n') };
  };

  it('fails the check on a file with broken markers, names the line, and as a generator syncs the rest leaving it untouched', async () => {
    const broken = read('apps/agent-a/Dockerfile').replace(/^# janus:end healthcheck\n/m, '');
    tree.write('apps/agent-a/Dockerfile', broken);
    changeHealthcheck();
    const { title, body } = await failure();
    expect(title).toMatch(/^janus: 1 managed file\(s\) or janus\.json record\(s\) cannot be checked/);
    expect(body).toMatch(
      /^apps\/agent-a\/Dockerfile:\d+: janus:begin healthcheck is never closed \(janus:end python-runtime-stage on line \d+ comes first\); the file was left untouched$/m,
    );
    await syncGenerator(tree, {});
    expect(read('apps/agent-a/Dockerfile')).toBe(broken);
    expect(read('apps/agent-b/Dockerfile')).toContain('--retries=5');
  });

  it('fails the check on a malformed begin marker', async () => {
    tree.write('apps/agent-a/Dockerfile', read('apps/agent-a/Dockerfile').replace(/^# janus:begin healthcheck [0-9a-f]{12}$/m, '# janus:begin healthcheck'));
    expect((await failure()).body).toMatch(/apps\/agent-a\/Dockerfile:\d+: malformed begin marker/);
  });

  it('fails the check on an unknown template and on a janus.json that is not JSON, naming janus.json', async () => {
    tree.write('apps/agent-a/janus.json', read('apps/agent-a/janus.json').replace('"baseline"', '"nonesuch"'));
    tree.write('apps/agent-b/janus.json', read('apps/agent-b/janus.json').slice(0, 100));
    const { body } = await failure();
    expect(body).toMatch(
      /agent-a: apps\/agent-a\/janus\.json is not valid: 'template' = "nonesuch": must be one of "baseline", "runtime", "node-service"; nothing in apps\/agent-a was synced$/m,
    );
    expect(body).toMatch(/agent-b: apps\/agent-b\/janus\.json is not valid JSON/);
  });

  it('passes over a valid hand-written janus.json and fails the check on an invalid one, naming file, field, value and rule', async () => {
    addProjectConfiguration(tree, 'base', { root: 'containers/base' });
    tree.write('containers/base/Dockerfile', 'FROM scratch\n');
    tree.write('containers/base/janus.json', JSON.stringify({ kind: 'base-image', inputs: ['rootfs.sh'] }));
    expect(await sync()).toEqual({});
    tree.write('containers/base/janus.json', JSON.stringify({ kind: 'base-image', inputs: ['/etc/rootfs.sh'] }));
    expect((await failure()).body).toMatch(
      /^base: containers\/base\/janus\.json is not valid: 'inputs\.0' = "\/etc\/rootfs\.sh": must be a glob inside the project, relative to it, such as "rootfs\.sh" or "patches\/\*\.diff"; nothing in containers\/base was synced$/m,
    );
  });

  it('reports a second region for the same partial', async () => {
    const dockerfile = read('apps/agent-a/Dockerfile');
    const region = /# janus:begin healthcheck [\s\S]*?# janus:end healthcheck\n/.exec(dockerfile)![0];
    tree.write('apps/agent-a/Dockerfile', dockerfile + region);
    expect((await failure()).body).toMatch(/apps\/agent-a\/Dockerfile:\d+: a second region for healthcheck \(the first begins on line \d+\)/);
  });

  it('names a project whose janus.json is missing or invalid, writes nothing for it, and as a generator still syncs the others', async () => {
    tree.write(
      'apps/agent-a/janus.json',
      JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 'eighty', baseImage: 'python:3.11-slim', uid: 1000 } }),
    );
    const dockerfileA = read('apps/agent-a/Dockerfile');
    changeHealthcheck();
    expect((await failure()).body).toMatch(
      /^agent-a: apps\/agent-a\/janus\.json is not valid: 'options\.port' = "eighty": must be an integer from 1 to 65535; nothing in apps\/agent-a was synced$/m,
    );
    await syncGenerator(tree, {});
    expect(read('apps/agent-a/Dockerfile')).toBe(dockerfileA);
    expect(read('apps/agent-b/Dockerfile')).toContain('--retries=5');
    expect(errors.join('\n')).toMatch(/agent-a: apps\/agent-a\/janus\.json is not valid: 'options\.port' = "eighty"/);
    tree.delete('apps/agent-a/janus.json');
    expect((await failure()).body).toMatch(/agent-a: apps\/agent-a\/janus\.json is missing/);
  });

  it('reports a region whose partial the templates no longer render, and leaves it', async () => {
    const file = join(templates, 'partials/python-runtime-stage.hbs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('{{> healthcheck}}\n', 'HEALTHCHECK NONE\n'));
    const before = read('apps/agent-a/Dockerfile');
    const result = await sync();
    const after = read('apps/agent-a/Dockerfile');
    // The stage changed (its own line), the healthcheck region it no longer calls went with it.
    expect(after).toContain('HEALTHCHECK NONE');
    expect(after).not.toContain('janus:begin healthcheck');
    expect(before).toContain('janus:begin healthcheck');
    expect(result.outOfSyncDetails).toEqual(expect.arrayContaining(['apps/agent-a/Dockerfile: python-runtime-stage (+1 -1)']));
  });
});
