import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertEngineRunning } from '../../engine/docker-client';
import type { BuildRecord } from '../../image/build-record';
import { RegistryClient } from '../../registry/registry-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { initGitRepo } from '../../../../janus-testing/src/git-repo';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { logger } from '../../workspace/nx-logger';
import dockerBuildExecutor from './executor';

const REGISTRY = 'localhost:5000';
const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/build-probe');

// The layer cache a fleet shares through the registry, on the engine's own BuildKit: the pushed image carries
// inline cache metadata, and the next build (on any machine) imports it from the repository's `latest`.
describe('janus:docker-build layer cache through the registry', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-layer-cache-'));
  const image = `janus-test/layer-cache-${randomBytes(3).toString('hex')}`;
  const registry = RegistryClient.forHost(REGISTRY);
  const lines: string[] = [];
  const digests: string[] = [];

  beforeAll(async () => {
    await assertEngineRunning();
    cpSync(FIXTURE, join(ws, 'apps/probe'), { recursive: true });
    writeFileSync(join(ws, 'probe-secret.txt'), 'layer-cache-secret');
    writeFileSync(join(ws, '.gitignore'), 'dist\nprobe-secret.txt\n');
    await initGitRepo(ws);
    jest.spyOn(logger, 'info').mockImplementation((line: unknown) => void lines.push(String(line)));
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await removeImages(`${REGISTRY}/${image}`);
    for (const digest of digests) await registry.deleteManifest(image, digest).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  const build = () =>
    dockerBuildExecutor(
      { image, registry: REGISTRY, platforms: 'linux/amd64', push: true, lint: false, secrets: ['id=probe-secret,src=probe-secret.txt'] },
      executorContext(ws, 'probe', 'apps/probe'),
    );

  it('pushes an image whose config carries the inline layer cache, and the next build imports it from latest', async () => {
    expect((await build()).success).toBe(true);
    const record = JSON.parse(readFileSync(join(ws, 'dist/docker/probe/metadata.json'), 'utf8')) as BuildRecord;
    digests.push(record.indexDigest!, ...record.platforms.map((p) => p.digest!));
    const manifest = await registry.getManifest(image, record.platforms[0].digest!);
    const config = await registry.getBlobJson(image, (manifest.json.config as { digest: string }).digest);
    expect(Object.keys(config)).toContain('moby.buildkit.cache.v0');

    lines.length = 0;
    expect((await build()).success).toBe(true);
    expect(lines.join('\n')).toMatch(new RegExp(`importing cache manifest from ${REGISTRY}/${image}:latest`));
    expect(lines.join('\n')).not.toMatch(/ERROR: .*not found/);
  });
});
