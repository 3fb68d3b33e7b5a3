import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readContractReport } from '../../libs/janus/src/contract/report';
import { inspectImage } from '../../libs/janus/src/engine/image-store';
import type { BuildRecord } from '../../libs/janus/src/image/build-record';
import { RegistryClient } from '../../libs/janus/src/registry/registry-client';
import { janusTargets } from '../../libs/janus/src/targets/janus-targets';
import { initGitRepo } from '../../libs/janus-testing/src/git-repo';
import { TempWorkspace } from '../../libs/janus-testing/src/temp-workspace';
import { removeImages } from '../../libs/janus-testing/src/test-images';
import { TestRegistry } from '../../libs/janus-testing/src/test-registry';
import { cloneMachine, nxOnMachine } from '../../libs/janus-testing/src/ci-machines';
import { startRemoteCacheServer, type StartedRemoteCache } from './remote-cache-server';
import { readPublishRecord } from '../../libs/janus/src/image/publish-record';

const FIXTURE = join(__dirname, '../../libs/janus-testing/src/fixtures/contract/runtime-agent');

// Issue 10's fleet, end to end: two clones of one commit on two "machines" that share only the Nx remote cache
// server in this folder and the registry. The first builds, proves and ships with the ci configuration; the
// second, whose engine holds none of the images, restores docker-build and contract-test from the server and
// publishes from the registry without building anything.
describe('two machines sharing one remote cache and one registry', () => {
  const registry = new TestRegistry();
  const origin = new TempWorkspace('janus-fleet-origin-');
  const clones = mkdtempSync(join(tmpdir(), 'janus-fleet-clones-'));
  const storage = mkdtempSync(join(tmpdir(), 'janus-fleet-cache-'));
  const token = randomBytes(16).toString('hex');
  const image = `janus-test/fleet-${randomBytes(3).toString('hex')}`;
  let cache: StartedRemoteCache;

  const machine = (name: string) => cloneMachine(origin.root, join(clones, name));

  const nx = (clone: string, args: string[]) => nxOnMachine(clone, args, { url: cache.url, token });
  const record = (clone: string) => JSON.parse(readFileSync(join(clone, 'dist/docker/agent/metadata.json'), 'utf8')) as BuildRecord;

  beforeAll(async () => {
    await registry.start();
    cache = await startRemoteCacheServer({ storageDir: storage, readWriteTokens: [token], readOnlyTokens: [] });
    mkdirSync(origin.path('apps'), { recursive: true });
    cpSync(FIXTURE, origin.path('apps/agent'), { recursive: true });
    writeFileSync(origin.path('apps/agent/id'), randomBytes(8).toString('hex'));
    writeFileSync(origin.path('apps/agent/Dockerfile'), readFileSync(origin.path('apps/agent/Dockerfile'), 'utf8') + 'COPY id /opt/id\n');
    const targets = janusTargets({ port: 8080 });
    targets['docker-build'].options = { platforms: 'linux/amd64', registry: registry.host, image, lint: false, deriveTags: false, tags: ['v1'] };
    targets['contract-test'].options = { kind: 'runtime', env: { OPENAI_API_KEY: 'sk-test' } };
    writeFileSync(origin.path('apps/agent/project.json'), JSON.stringify({ name: 'agent', root: 'apps/agent', targets }, null, 2));
    writeFileSync(origin.path('.gitignore'), 'node_modules\ndist\n.nx\n');
    await initGitRepo(origin.root);
  });
  afterAll(async () => {
    await removeImages(`${registry.host}/${image}`);
    await cache?.close();
    await registry.stop();
    origin.dispose();
    rmSync(clones, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
  });

  it('the second machine restores the build and its proof from the server and publishes from the registry', async () => {
    const first = await machine('machine-1');
    expect(await nx(first, ['run', 'agent:docker-push', '-c', 'ci'])).not.toMatch(/\[remote cache\]/);
    const built = record(first);
    expect(built.keepImagesIn).toBe('registry');
    const [p] = built.platforms;

    // The second machine's engine has never seen the image.
    await removeImages(`${registry.host}/${image}`);
    expect(await inspectImage(p.imageId)).toBeUndefined();
    const second = await machine('machine-2');
    const out = await nx(second, ['run', 'agent:docker-push', '-c', 'ci']);
    expect(out).toMatch(/agent:docker-build.*\n?.*\[remote cache\]/);
    expect(out).toMatch(/agent:contract-test.*\n?.*\[remote cache\]/);
    expect(out).toMatch(/0 layer bytes uploaded/);
    expect(record(second).platforms[0].digest).toBe(p.digest);
    expect(readContractReport(join(second, 'dist/contract/agent'))?.digest).toBe(p.digest);
    // Nothing was built or pulled here: the engine still has no such image, and the registry serves the release.
    expect(await inspectImage(p.imageId)).toBeUndefined();
    expect((await RegistryClient.forHost(registry.host).getManifest(image, 'v1')).digest).toBe(
      readPublishRecord(join(second, 'dist/docker-push/agent/publish.json'))!.indexDigest,
    );
  });
});
