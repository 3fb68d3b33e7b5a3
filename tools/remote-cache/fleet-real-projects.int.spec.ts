import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../libs/janus/src/process/run-command';
import type { BuildRecord } from '../../libs/janus/src/image/build-record';
import { removeImages } from '../../libs/janus-testing/src/test-images';
import { TestRegistry } from '../../libs/janus-testing/src/test-registry';
import { ensurePluginBuilt } from '../plugin-build/build-plugin';
import { cloneMachine, nxOnMachine } from '../../libs/janus-testing/src/ci-machines';
import { startRemoteCacheServer, type StartedRemoteCache } from './remote-cache-server';
import { REPO_ROOT } from '../repo-root';

// Issue 21's fleet on this workspace's own projects: two clones of one commit, one cloned over ssh and one over
// https, each building the base image itself (two runners, or a cache eviction), share the remote cache. The
// build records differ (build times), the digests do not, so the image built FROM the base hashes alike on both
// and the second machine restores it instead of building it. amd64 only and a registry of the spec's own, so
// the shared base images in :5000 are never touched. Both "machines" share this engine and its BuildKit cache:
// that layers are the same on different engines is reproducible-layers.int.spec.ts's proof, not this one's.
describe('two clones of this workspace, ssh and https, each building base-python', () => {
  const registry = new TestRegistry();
  const clones = mkdtempSync(join(tmpdir(), 'janus-fleet21-'));
  const storage = mkdtempSync(join(tmpdir(), 'janus-fleet21-cache-'));
  const token = randomBytes(16).toString('hex');
  let cache: StartedRemoteCache;

  const build = (clone: string, projects: string, remote = true) =>
    nxOnMachine(
      clone,
      ['run-many', '-t', 'docker-build', '-p', projects, '-c', 'ci', '--platforms=linux/amd64', `--registry=${registry.host}`],
      remote ? { url: cache.url, token } : undefined,
    );
  const file = (clone: string, project: string, name: string) => readFileSync(join(clone, 'dist/docker', project, name), 'utf8');
  const machine = async (name: string, remote: string) => {
    const clone = await cloneMachine(REPO_ROOT, join(clones, name));
    await runCommand('git', ['remote', 'set-url', 'origin', remote], { cwd: clone });
    return clone;
  };

  beforeAll(async () => {
    // The clones' node_modules/janus is this checkout's build: current with these sources.
    ensurePluginBuilt({ log: () => undefined });
    await registry.start();
    cache = await startRemoteCacheServer({ storageDir: storage, readWriteTokens: [token], readOnlyTokens: [] });
  });
  afterAll(async () => {
    await removeImages(`${registry.host}/library/python`, `${registry.host}/demo-agent`);
    await cache?.close();
    await registry.stop();
    rmSync(clones, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
  });

  it('hashes demo-agent alike on both, and the second machine restores it from the remote cache', async () => {
    const first = await machine('machine-ssh', 'git@github.com:acme/janus.git');
    const out1 = await build(first, 'base-python,demo-agent');
    expect(out1).not.toMatch(/\[remote cache\]/);

    const second = await machine('machine-https', 'https://github.com/acme/janus');
    // Its own base build, as a second runner's: without the remote cache, so what it hashes next is its own record.
    expect(await build(second, 'base-python', false)).not.toMatch(/\[(remote|local) cache\]/);
    expect(file(second, 'base-python', 'metadata.json')).not.toBe(file(first, 'base-python', 'metadata.json'));
    expect(file(second, 'base-python', 'image-digests.json')).toBe(file(first, 'base-python', 'image-digests.json'));

    const out2 = await build(second, 'base-python,demo-agent');
    expect(out2).toMatch(/base-python:docker-build.*\n?.*\[local cache\]/);
    expect(out2).toMatch(/demo-agent:docker-build.*\n?.*\[remote cache\]/);
    const records = [first, second].map((c) => JSON.parse(file(c, 'demo-agent', 'metadata.json')) as BuildRecord);
    expect(records[1].platforms[0].digest).toBe(records[0].platforms[0].digest);
    expect(records[0].labels['org.opencontainers.image.source']).toBe('https://github.com/acme/janus');
  });
});
