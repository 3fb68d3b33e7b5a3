import { removeImages } from '../../testing/test-images';
import { logger } from '@nx/devkit';
import { SocketEngineApi } from '../../engine/socket-engine-api';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import dockerBuildExecutor from './executor';
import type { DockerBuildOptions } from './options-schema';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { RegistryClient } from '../../registry/registry-client';
import { executorContext } from '../../testing/executor-context';

const REGISTRY = 'localhost:5000';
const FIXTURE = join(__dirname, '../../testing/fixtures/build-probe');

// What must not happen when a build goes wrong: tags that move, images that disappear, silence about why.
describe('janus:docker-build faults', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-build-faults-'));
  const image = `janus-test/faults-${randomBytes(3).toString('hex')}`;
  const registry = RegistryClient.forHost(REGISTRY);
  const ctx = executorContext(ws, 'probe', 'apps/probe');
  const base: DockerBuildOptions = {
    image,
    registry: REGISTRY,
    platforms: 'linux/amd64',
    push: true,
    deriveTags: false,
    tags: ['stable'],
    secrets: ['id=probe-secret,src=secret.txt'],
    // The probe is no server (no HEALTHCHECK, no EXPOSE): these specs are about building, lint-before-build.spec about linting.
    lint: false,
  };
  let errors: string[] = [];
  let goodDigest = '';
  let goodImageId = '';

  const run = (patch: Partial<DockerBuildOptions> = {}) => dockerBuildExecutor({ ...base, ...patch }, ctx);

  beforeAll(async () => {
    await assertEngineRunning();
    cpSync(FIXTURE, join(ws, 'apps/probe'), { recursive: true });
    writeFileSync(join(ws, 'secret.txt'), 'x-secret-x');
    expect((await run()).success).toBe(true);
    goodDigest = (await registry.headManifest(image, 'stable'))!.digest;
    goodImageId = (await dockerClient().getImage(`${REGISTRY}/${image}:stable`).inspect()).Id;
  });

  beforeEach(() => {
    errors = [];
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await removeImages(`${REGISTRY}/${image}`);
    const list = await registry.getManifest(image, 'stable').catch(() => undefined);
    for (const m of (list?.json.manifests as Array<{ digest: string }>) ?? []) await registry.deleteManifest(image, m.digest).catch(() => undefined);
    if (list) await registry.deleteManifest(image, list.digest).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  async function expectPreviousTagsIntact() {
    expect((await registry.headManifest(image, 'stable'))!.digest).toBe(goodDigest);
    expect((await dockerClient().getImage(`${REGISTRY}/${image}:stable`).inspect()).Id).toBe(goodImageId);
  }

  it('a failing RUN fails the build, names the step, and leaves the previous image and tags intact', async () => {
    const dockerfile = join(ws, 'apps/probe/Dockerfile.broken');
    cpSync(join(ws, 'apps/probe/Dockerfile'), dockerfile);
    appendFileSync(dockerfile, 'RUN echo "about to fail" && exit 3\n');
    expect((await run({ file: 'apps/probe/Dockerfile.broken' })).success).toBe(false);
    expect(errors.join('\n')).toMatch(/exit 3|exit code: 3/);
    await expectPreviousTagsIntact();
  });

  it('an image over the size budget fails with its largest layers and moves no tag', async () => {
    expect((await run({ sizeBudgetMb: 1 })).success).toBe(false);
    const message = errors.join('\n');
    expect(message).toMatch(/linux\/amd64: image is [\d.]+ MB, over the size budget of 1 MB \(sizeBudgetMb\)\. Largest layers:/);
    expect(message.split('\n').filter((l) => /^\s+[\d.]+ (MB|kB|B)\s/.test(l)).length).toBeGreaterThan(0);
    await expectPreviousTagsIntact();
  });

  it('an unreachable registry fails before building, saying so', async () => {
    const t0 = Date.now();
    expect((await run({ registry: 'localhost:5999' })).success).toBe(false);
    expect(errors.join('\n')).toMatch(/localhost:5999 is unreachable/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('a missing secret source fails before building, naming it', async () => {
    expect((await run({ secrets: ['id=probe-secret,src=nope.txt'] })).success).toBe(false);
    expect(errors.join('\n')).toMatch(/'secrets' = "id=probe-secret,src=nope.txt": the source file .*nope.txt does not exist/);
  });

  it('an engine that is not running is reported with how to start it', async () => {
    await expect(assertEngineRunning(new SocketEngineApi('/nonexistent/docker.sock'))).rejects.toThrow(/not reachable.*npm run bootstrap/);
  });
});
