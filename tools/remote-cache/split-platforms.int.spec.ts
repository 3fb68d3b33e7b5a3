import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILDERS_ENV } from '../../libs/janus/src/engine/builder-endpoints';
import { inspectImage } from '../../libs/janus/src/engine/image-store';
import type { BuildRecord } from '../../libs/janus/src/image/build-record';
import { platformTagSuffix } from '../../libs/janus/src/oci/platform';
import { RegistryClient } from '../../libs/janus/src/registry/registry-client';
import { janusTargets, splitBuildTargets } from '../../libs/janus/src/targets/janus-targets';
import { initGitRepo } from '../../libs/janus-testing/src/git-repo';
import { SecondEngine } from '../../libs/janus-testing/src/second-engine';
import { TempWorkspace } from '../../libs/janus-testing/src/temp-workspace';
import { removeImages } from '../../libs/janus-testing/src/test-images';
import { cloneMachine, nxOnMachine } from '../../libs/janus-testing/src/ci-machines';
import { startRemoteCacheServer, type StartedRemoteCache } from './remote-cache-server';
import { imageEntries } from '../../libs/janus-testing/src/index-entries';
import { readPublishRecord } from '../../libs/janus/src/image/publish-record';

const REGISTRY = 'localhost:5000';

// Issue 23's per-platform runners: three clones of one commit sharing only the remote cache and the registry.
// The amd64 "runner" builds linux/amd64 on this engine, the arm64 "runner" builds linux/arm64 on a second engine
// (its own dockerd: nothing it builds is in this one), and the publishing job restores both platform builds
// from the cache, merges their records and publishes one list with nothing rebuilt.
describe('a split build: one machine per platform, one list published later', () => {
  const origin = new TempWorkspace('janus-split-origin-');
  const clones = mkdtempSync(join(tmpdir(), 'janus-split-clones-'));
  const storage = mkdtempSync(join(tmpdir(), 'janus-split-cache-'));
  const token = randomBytes(16).toString('hex');
  const image = `janus-test/split-${randomBytes(3).toString('hex')}`;
  const registry = RegistryClient.forHost(REGISTRY);
  const env = process.env;
  let cache: StartedRemoteCache;
  let arm: SecondEngine;
  const digests: string[] = [];

  const nx = (clone: string, args: string[]) => nxOnMachine(clone, args, { url: cache.url, token });
  const record = (clone: string, dir: string) => JSON.parse(readFileSync(join(clone, dir, 'metadata.json'), 'utf8')) as BuildRecord;

  beforeAll(async () => {
    [cache, arm] = await Promise.all([startRemoteCacheServer({ storageDir: storage, readWriteTokens: [token], readOnlyTokens: [] }), SecondEngine.start()]);
    mkdirSync(origin.path('apps/agent'), { recursive: true });
    // Tiny: the base image through each engine's mirror, one emulated or native RUN, one file of this run.
    writeFileSync(origin.path('apps/agent/id'), randomBytes(8).toString('hex'));
    writeFileSync(origin.path('apps/agent/Dockerfile'), 'FROM python:3.11-slim\nRUN uname -m > /built-on\nCOPY id /opt/id\n');
    const targets = janusTargets({ port: 8080 });
    targets['docker-build'].options = { platforms: 'linux/amd64,linux/arm64', registry: REGISTRY, image, lint: false, deriveTags: false, tags: ['v1'] };
    // What inference gives with splitPlatforms; no contract (the image serves nothing), so push needs none.
    Object.assign(
      targets,
      splitBuildTargets(targets['docker-build'], 'docker-build', ['linux/amd64', 'linux/arm64'], (s) => `dist/docker-platforms/agent/${s}`, platformTagSuffix),
    );
    delete targets['contract-test'];
    targets['docker-push'] = { ...targets['docker-push'], dependsOn: ['docker-build'], options: { requireContract: false } };
    writeFileSync(origin.path('apps/agent/project.json'), JSON.stringify({ name: 'agent', root: 'apps/agent', targets }, null, 2));
    writeFileSync(origin.path('.gitignore'), 'node_modules\ndist\n.nx\n');
    await initGitRepo(origin.root);
  }, 120_000);

  afterAll(async () => {
    process.env = env;
    await removeImages(`${REGISTRY}/${image}`);
    for (const d of digests) await registry.deleteManifest(image, d).catch(() => undefined);
    await Promise.all([cache?.close(), arm?.stop()]);
    origin.dispose();
    rmSync(clones, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
  }, 120_000);

  it('publishes an index of exactly the digests each machine built, rebuilding nothing', async () => {
    const amd64Runner = await cloneMachine(origin.root, join(clones, 'amd64'));
    await nx(amd64Runner, ['run', 'agent:docker-build-amd64', '-c', 'ci']);
    const amd64 = record(amd64Runner, 'dist/docker-platforms/agent/amd64').platforms;

    const arm64Runner = await cloneMachine(origin.root, join(clones, 'arm64'));
    process.env = { ...env, [BUILDERS_ENV]: `linux/arm64=${arm.endpoint}?emulated=true` };
    try {
      await nx(arm64Runner, ['run', 'agent:docker-build-arm64', '-c', 'ci']);
    } finally {
      process.env = env;
    }
    const arm64 = record(arm64Runner, 'dist/docker-platforms/agent/arm64').platforms;
    expect([amd64.map((p) => p.platform), arm64.map((p) => p.platform)]).toEqual([['linux/amd64'], ['linux/arm64']]);
    digests.push(amd64[0].digest!, arm64[0].digest!);
    // Built where each runner's engine is: the arm64 image is in the second engine's store only.
    expect((await arm.api.inspectImage(arm64[0].imageId))?.Architecture).toBe('arm64');
    expect(await inspectImage(arm64[0].imageId)).toBeUndefined();

    const publisher = await cloneMachine(origin.root, join(clones, 'publisher'));
    const out = await nx(publisher, ['run', 'agent:docker-push', '-c', 'ci']);
    expect(out).toMatch(/agent:docker-build-amd64.*\n?.*\[remote cache\]/);
    expect(out).toMatch(/agent:docker-build-arm64.*\n?.*\[remote cache\]/);
    // Only the merge and the push ran here (Nx replays the cached builds' logs, so their lines are no evidence).
    expect(out).toMatch(/from the cache instead of running the command for 2 out of 4 tasks/);
    // The index digest is docker-push's own record's; the merged build record stays as the merge wrote it.
    const merged = readPublishRecord(join(publisher, 'dist/docker-push/agent/publish.json'))!;
    digests.push(merged.indexDigest);
    const list = await registry.getManifest(image, 'v1');
    expect(list.digest).toBe(merged.indexDigest);
    const entries = (imageEntries(list.json.manifests) as Array<{ digest: string; platform: { os: string; architecture: string } }>).map((m) => [
      `${m.platform.os}/${m.platform.architecture}`,
      m.digest,
    ]);
    expect(entries).toEqual([
      ['linux/amd64', amd64[0].digest],
      ['linux/arm64', arm64[0].digest],
    ]);
  }, 900_000);
});
