import { readJson, readNxJson, type Tree, updateJson, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initGenerator } from './generator';
import { ALIAS_DIR } from './janus-alias';

describe('janus:init', () => {
  let tree: Tree;
  const janusEntry = () => readNxJson(tree)?.plugins?.find((p) => typeof p !== 'string' && p.plugin === 'janus/plugin');
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin without a registry unless one is given: images then stay in the local engine', async () => {
    await initGenerator(tree, { skipFormat: true });
    expect(janusEntry()).toEqual({ plugin: 'janus/plugin', options: {} });
  });

  it("keeps --registry as the workspace's one registry setting, over an existing entry's options", async () => {
    updateNxJson(tree, { ...readNxJson(tree), plugins: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64', registry: 'localhost:5000' } }] });
    await initGenerator(tree, { registry: 'ghcr.io', skipFormat: true });
    expect(janusEntry()).toEqual({ plugin: 'janus/plugin', options: { platforms: 'linux/amd64', registry: 'ghcr.io' } });
    // Running it again without a registry (as the other generators do) leaves the setting alone.
    await initGenerator(tree, { skipFormat: true });
    expect(janusEntry()).toEqual({ plugin: 'janus/plugin', options: { platforms: 'linux/amd64', registry: 'ghcr.io' } });
  });

  it('refuses a registry that is not a host[:port], writing nothing', async () => {
    await expect(initGenerator(tree, { registry: 'https://ghcr.io/acme' })).rejects.toThrow(
      /'registry' = "https:\/\/ghcr.io\/acme": must be a registry host\[:port\] like "ghcr.io" or "localhost:5000", or empty for none/,
    );
    expect(janusEntry()).toBeUndefined();
  });

  it('asks for the registry on a TTY (nx add janus runs init there)', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, 'schema.json'), 'utf8'));
    expect(schema.properties.registry['x-prompt']).toMatch(/registry/);
  });

  describe('the janus alias, for a workspace that installed @janus-containers/nx', () => {
    const devDependencies = () => readJson<{ devDependencies: Record<string, string> }>(tree, 'package.json').devDependencies;

    it('writes a code-free janus package that npm links, naming every executor and the collection of the scoped package', async () => {
      updateJson(tree, 'package.json', (json) => ({ ...json, devDependencies: { '@janus-containers/nx': '^0.3.0' } }));
      const done = await initGenerator(tree, { skipFormat: true });
      expect(devDependencies()).toEqual({ '@janus-containers/nx': '^0.3.0', janus: `file:${ALIAS_DIR}` });
      expect(readJson(tree, `${ALIAS_DIR}/package.json`)).toMatchObject({ name: 'janus', generators: './generators.json', executors: './executors.json' });
      expect(readJson(tree, `${ALIAS_DIR}/generators.json`)).toEqual({ extends: ['@janus-containers/nx'], generators: {} });
      const own = JSON.parse(readFileSync(join(__dirname, '../../../executors.json'), 'utf8')) as { executors: object };
      const executors = readJson<{ executors: Record<string, string> }>(tree, `${ALIAS_DIR}/executors.json`).executors;
      expect(Object.keys(executors)).toEqual(Object.keys(own.executors));
      expect(executors['docker-build']).toBe('@janus-containers/nx:docker-build');
      expect(tree.read(`${ALIAS_DIR}/plugin.js`, 'utf8')).toBe("module.exports = require('@janus-containers/nx/plugin');\n");
      expect(typeof done).toBe('function');
      // Again: nothing changes.
      const before = tree.listChanges().length;
      await initGenerator(tree, { skipFormat: true });
      expect(tree.listChanges()).toHaveLength(before);
    });

    it('leaves a janus the workspace already declares alone (the janus@npm: alias, a workspace link)', async () => {
      updateJson(tree, 'package.json', (json) => ({ ...json, devDependencies: { janus: 'npm:@janus-containers/nx@^0.3.0' } }));
      await initGenerator(tree, { skipFormat: true });
      expect(devDependencies()).toEqual({ janus: 'npm:@janus-containers/nx@^0.3.0' });
      expect(tree.exists(ALIAS_DIR)).toBe(false);
    });
  });
});
