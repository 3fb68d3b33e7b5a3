import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { readContractReport } from '../../contract/report';
import { inspectImage } from '../../engine/image-store';
import type { BuildRecord } from '../../image/build-record';
import { CommandError } from '../../process/run-command';
import { RegistryClient } from '../../registry/registry-client';
import { janusTargets } from '../../targets/janus-targets';
import { initGitRepo } from '../../../../janus-testing/src/git-repo';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { addRuntimeAgentProject } from '../../../../janus-testing/src/runtime-agent-project';
import { TempWorkspace } from '../../../../janus-testing/src/temp-workspace';
import { TestRegistry } from '../../../../janus-testing/src/test-registry';
import { readPublishRecord } from '../../image/publish-record';

// The real nx CLI and its cache: build, prove and ship with the ci configuration, then play the machine that
// restores everything from the cache but never built the image (its engine has none of it, dist/ is gone).
// docker-build and contract-test replay from the cache; docker-push still publishes, from the registry alone.
describe('a shared-cache hit on an engine without the images', () => {
  const registry = new TestRegistry();
  const ws = new TempWorkspace('janus-cache-hit-');
  const image = `janus-test/cachehit-${randomBytes(3).toString('hex')}`;
  const record = () => JSON.parse(readFileSync(ws.path('dist/docker/agent/metadata.json'), 'utf8')) as BuildRecord;

  async function nx(args: string[]): Promise<string> {
    try {
      return stripVTControlCharacters((await ws.nx([...args, '--output-style=stream'])).stdout);
    } catch (e) {
      if (e instanceof CommandError)
        throw new Error(`nx ${args.join(' ')} failed:\n${stripVTControlCharacters(e.result.stdout + e.result.stderr).slice(-3000)}`);
      throw e;
    }
  }

  beforeAll(async () => {
    await registry.start();
    addRuntimeAgentProject(ws);
    const targets = janusTargets({ port: 8080 });
    targets['docker-build'].options = { platforms: 'linux/amd64', registry: registry.host, image, lint: false, deriveTags: false, tags: ['v1'] };
    targets['contract-test'].options = { kind: 'runtime', env: { OPENAI_API_KEY: 'sk-test' } };
    writeFileSync(ws.path('apps/agent/project.json'), JSON.stringify({ name: 'agent', root: 'apps/agent', targets }, null, 2));
    writeFileSync(ws.path('.gitignore'), 'node_modules\ndist\n.nx\n');
    await initGitRepo(ws.root);
  });
  afterAll(async () => {
    await removeImages(`${registry.host}/${image}`);
    await registry.stop();
    ws.dispose();
  });

  it('replays docker-build and contract-test from the cache and publishes from the registry', async () => {
    const first = await nx(['run', 'agent:docker-push', '-c', 'ci']);
    expect(first).not.toMatch(/local cache|existing outputs match the cache/);
    const built = record();
    expect(built.keepImagesIn).toBe('registry');
    const [p] = built.platforms;

    // Another machine: same cache, an engine that never had the image, no dist/.
    await removeImages(`${registry.host}/${image}`);
    rmSync(ws.path('dist'), { recursive: true, force: true });
    expect(await inspectImage(p.imageId)).toBeUndefined();

    const second = await nx(['run', 'agent:docker-push', '-c', 'ci']);
    expect(second).toMatch(/agent:docker-build.*\n?.*(local cache|existing outputs match the cache)/);
    expect(second).toMatch(/agent:contract-test.*\n?.*(local cache|existing outputs match the cache)/);
    expect(second).toMatch(/0 layer bytes uploaded/);
    expect(readContractReport(ws.path('dist/contract/agent'))?.digest).toBe(p.digest);
    expect(await inspectImage(p.imageId)).toBeUndefined();
    expect((await RegistryClient.forHost(registry.host).getManifest(image, 'v1')).digest).toBe(
      readPublishRecord(ws.path('dist/docker-push/agent/publish.json'))!.indexDigest,
    );

    // Proving it again here (no cache) pulls the recorded digest.
    await nx(['run', 'agent:contract-test', '-c', 'ci', '--skip-nx-cache', '--exclude-task-dependencies']);
    expect(readContractReport(ws.path('dist/contract/agent'))).toMatchObject({ ok: true, digest: p.digest, imageId: p.imageId });
  });
});
