import { addProjectConfiguration, logger, readNxJson, readProjectConfiguration, type Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import renameStageToKeepImagesIn from './keep-images-in';

describe("migration 0.3.0: docker-build's 'stage' is 'keepImagesIn'", () => {
  let tree: Tree;
  const read = (path: string) => tree.read(path, 'utf8')!;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    updateNxJson(tree, {
      ...readNxJson(tree),
      plugins: [{ plugin: 'janus/plugin', options: { registry: 'localhost:5000' } }],
      targetDefaults: {
        'docker-build': { options: { stage: 'registry', pull: true }, configurations: { local: { stage: 'engine' } } },
        'janus:docker-build': { options: { stage: 'engine' } },
        // Another tool's option of the same name is not ours to rename.
        'other-build': { executor: 'other:build', options: { stage: 'prod' } },
        // Nx 23's filtered form: only the entry for janus's executor is ours.
        image: [
          { filter: { executor: 'janus:docker-build' }, options: { stage: 'registry' } },
          { filter: { executor: 'other:image' }, options: { stage: 'x' } },
        ],
      },
    });
    // An override of the inferred target (no executor) in a janus project, and a split build's per-platform target.
    addProjectConfiguration(tree, 'agent', {
      root: 'apps/agent',
      targets: {
        'docker-build': { options: { sizeBudgetMb: 300 }, configurations: { ci: { stage: 'registry', reproducible: true } } },
        'docker-build-arm64': { options: { stage: 'registry', platforms: 'linux/arm64' } },
      },
    });
    tree.write('apps/agent/janus.json', '{}');
    addProjectConfiguration(tree, 'explicit', {
      root: 'libs/explicit',
      targets: { image: { executor: '@janus-containers/nx:docker-build', options: { stage: 'engine', keepImagesIn: 'registry', tags: ['x'] } } },
    });
    addProjectConfiguration(tree, 'untouched', {
      root: 'libs/untouched',
      targets: {
        'docker-build': { executor: 'janus:docker-build', options: { push: true } },
        // Not a janus project: its docker-build is someone else's.
        'docker-build-x': { options: { stage: 'whatever' } },
      },
    });
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('renames it in targetDefaults and in every docker-build target, options and configurations, leaving the rest as it was', async () => {
    const untouchedBefore = read('libs/untouched/project.json');
    const said = await renameStageToKeepImagesIn(tree);
    expect(readNxJson(tree)?.targetDefaults).toEqual({
      'docker-build': { options: { keepImagesIn: 'registry', pull: true }, configurations: { local: { keepImagesIn: 'engine' } } },
      'janus:docker-build': { options: { keepImagesIn: 'engine' } },
      'other-build': { executor: 'other:build', options: { stage: 'prod' } },
      image: [
        { filter: { executor: 'janus:docker-build' }, options: { keepImagesIn: 'registry' } },
        { filter: { executor: 'other:image' }, options: { stage: 'x' } },
      ],
    });
    expect(readNxJson(tree)?.plugins).toEqual([{ plugin: 'janus/plugin', options: { registry: 'localhost:5000' } }]);
    expect(readProjectConfiguration(tree, 'agent').targets).toEqual({
      'docker-build': { options: { sizeBudgetMb: 300 }, configurations: { ci: { keepImagesIn: 'registry', reproducible: true } } },
      'docker-build-arm64': { options: { keepImagesIn: 'registry', platforms: 'linux/arm64' } },
    });
    // Both set: the new name already says it, the old one goes.
    expect(readProjectConfiguration(tree, 'explicit').targets!.image.options).toEqual({ keepImagesIn: 'registry', tags: ['x'] });
    expect(read('libs/untouched/project.json')).toBe(untouchedBefore);
    expect(said).toEqual([expect.stringMatching(/^janus: docker-build's 'stage' option is now 'keepImagesIn' .*renamed in nx\.json, agent, explicit$/)]);
  });

  it('changes and says nothing when run again', async () => {
    await renameStageToKeepImagesIn(tree);
    const files = ['nx.json', 'apps/agent/project.json', 'libs/explicit/project.json', 'libs/untouched/project.json'];
    const before = files.map(read);
    expect(await renameStageToKeepImagesIn(tree)).toEqual([]);
    expect(files.map(read)).toEqual(before);
  });

  it('is listed in migrations.json for 0.3.0', () => {
    const migrations = JSON.parse(readFileSync(join(__dirname, '../../../migrations.json'), 'utf8')) as {
      generators: Record<string, { version: string; implementation: string }>;
    };
    expect(migrations.generators['keep-images-in']).toMatchObject({ version: '0.3.0', implementation: './src/migrations/0-3-0/keep-images-in' });
  });
});
