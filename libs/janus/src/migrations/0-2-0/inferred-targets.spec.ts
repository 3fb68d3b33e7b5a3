import { addProjectConfiguration, logger, readNxJson, readProjectConfiguration, type TargetConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import migrateToInferredTargets from './inferred-targets';

// The project.json apps/demo-agent carried when janus 0.1.0 wrote its target block (git show 2ed8fe6^).
const OLD = JSON.parse(readFileSync(join(__dirname, '__fixtures__/project-json-0.1.0.json'), 'utf8')) as { targets: Record<string, TargetConfiguration> };

describe('migration 0.2.0: generated target block → inferred targets', () => {
  let tree: Tree;
  const add = (name: string, targets: Record<string, TargetConfiguration>, port = 8080) => {
    addProjectConfiguration(tree, name, { root: `apps/${name}`, targets });
    tree.write(
      `apps/${name}/janus.json`,
      JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port, baseImage: 'python:3.11-slim', uid: 1000 } }),
    );
  };
  const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('removes a block exactly as 0.1.0 generated it, and registers the plugin and janus:sync', async () => {
    add('agent', clone(OLD.targets));
    await migrateToInferredTargets(tree);
    expect(readProjectConfiguration(tree, 'agent').targets ?? {}).toEqual({});
    expect(readNxJson(tree)?.plugins).toEqual([{ plugin: 'janus/plugin', options: {} }]);
    expect(readNxJson(tree)?.sync?.globalGenerators).toEqual(['janus:sync']);
  });

  it("keeps what an owner changed, and leaves other projects' and non-janus targets alone", async () => {
    const targets = clone(OLD.targets);
    targets['docker-build'].options = { platforms: 'linux/amd64', image: 'team/agent' };
    targets['dockerfile-lint'].inputs = [...(targets['dockerfile-lint'].inputs as string[]), '{workspaceRoot}/lint.yaml'];
    targets['contract-test'].options = { port: 9090 };
    targets.serve = { executor: 'nx:run-commands', options: { command: 'python -m app' } };
    add('custom', targets);
    addProjectConfiguration(tree, 'other', { root: 'libs/other', targets: { 'docker-build': { executor: 'janus:docker-build', options: {} } } });
    await migrateToInferredTargets(tree);
    expect(readProjectConfiguration(tree, 'custom').targets).toEqual({
      'docker-build': { options: { platforms: 'linux/amd64', image: 'team/agent' } },
      'dockerfile-lint': { inputs: ['{projectRoot}/Dockerfile', '{projectRoot}/.dockerignore', '{projectRoot}/.hadolint.yaml', '{workspaceRoot}/lint.yaml'] },
      'contract-test': { options: { port: 9090 } },
      serve: { executor: 'nx:run-commands', options: { command: 'python -m app' } },
    });
    // No janus.json: not a janus project, not ours to migrate.
    expect(readProjectConfiguration(tree, 'other').targets).toEqual({ 'docker-build': { executor: 'janus:docker-build', options: {} } });
  });

  it('is listed in migrations.json for 0.2.0, and the package points Nx at it', () => {
    const root = join(__dirname, '../../..');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; 'nx-migrations': { migrations: string } };
    const migrations = JSON.parse(readFileSync(join(root, pkg['nx-migrations'].migrations), 'utf8')) as {
      generators: Record<string, { version: string; implementation: string }>;
    };
    expect(migrations.generators['inferred-targets']).toMatchObject({ version: '0.2.0', implementation: './src/migrations/0-2-0/inferred-targets' });
    expect(pkg.version).toBe('0.2.0');
  });
});
