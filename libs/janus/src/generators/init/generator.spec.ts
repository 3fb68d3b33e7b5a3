import { readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initGenerator } from './generator';

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
});
