import { logger, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { baselineGenerator } from '../../generators/baseline/generator';
import { syncGenerator } from '../../generators/sync/generator';
import addManagedRegions from './managed-regions';

const MARKER = /^\s*# janus:(begin|end) .*\n/gm;

// What the generator writes today, markers and all.
async function renderedAgent(): Promise<{ slimRootfs: string }> {
  const fresh = createTreeWithEmptyWorkspace();
  await baselineGenerator(fresh, { name: 'agent', skipFormat: true });
  return { slimRootfs: fresh.read('apps/agent/docker/slim-rootfs.py', 'utf8')! };
}

// A project as janus 0.1.0 rendered it: the same text, no markers, a janus.json with the render inputs only.
describe('migration 0.2.0: markers for projects rendered before managed regions', () => {
  let tree: Tree;
  const warnings: string[] = [];
  const read = (path: string) => tree.read(path, 'utf8')!;
  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace();
    await baselineGenerator(tree, { name: 'agent', skipFormat: true });
    for (const file of ['Dockerfile', '.dockerignore', 'docker/slim-rootfs.py'])
      tree.write(`apps/agent/${file}`, read(`apps/agent/${file}`).replace(MARKER, ''));
    const record = JSON.parse(read('apps/agent/janus.json')) as Record<string, unknown>;
    tree.write('apps/agent/janus.json', JSON.stringify({ template: record.template, options: record.options }));
    warnings.length = 0;
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation((m: string) => void warnings.push(m));
  });
  afterEach(() => jest.restoreAllMocks());

  it('puts back every region whose text is still what the templates render, so sync manages the project', async () => {
    const unmarked = read('apps/agent/Dockerfile');
    await addManagedRegions(tree);
    const marked = read('apps/agent/Dockerfile');
    expect(marked.replace(MARKER, '')).toBe(unmarked);
    expect([...marked.matchAll(/# janus:begin ([\w-]+)/g)].map(([, p]) => p)).toEqual([
      'python-builder-stage',
      'python-runtime-stage',
      'env-block',
      'healthcheck',
    ]);
    expect(read('apps/agent/.dockerignore')).toMatch(/^# janus:begin dockerignore-python /);
    expect(warnings).toEqual([]);
    expect(await syncGenerator(tree)).toEqual({});
  });

  it('manages a file that already carries its markers as it is, so sync finds the project in step', async () => {
    tree.write('apps/agent/docker/slim-rootfs.py', (await renderedAgent()).slimRootfs);
    await addManagedRegions(tree);
    const record = JSON.parse(read('apps/agent/janus.json')) as { managed: Record<string, unknown> };
    expect(Object.keys(record.managed)).toContain('docker/slim-rootfs.py');
    expect(await syncGenerator(tree)).toEqual({});
  });

  it('leaves an edited region unmanaged, and still manages the regions nested around and beside it', async () => {
    tree.write('apps/agent/Dockerfile', read('apps/agent/Dockerfile').replace('--interval=10s', '--interval=30s'));
    await addManagedRegions(tree);
    const marked = read('apps/agent/Dockerfile');
    expect(marked).not.toMatch(/janus:begin (healthcheck|python-runtime-stage) /);
    expect(marked).toMatch(/janus:begin env-block /);
    expect(warnings.join('\n')).toMatch(/apps\/agent\/Dockerfile: python-runtime-stage, apps\/agent\/Dockerfile: healthcheck/);
    const managed = (JSON.parse(read('apps/agent/janus.json')) as { managed: { Dockerfile: { regions: object } } }).managed.Dockerfile.regions;
    expect(Object.keys(managed)).toEqual(['python-builder-stage', 'env-block']);
  });
});
