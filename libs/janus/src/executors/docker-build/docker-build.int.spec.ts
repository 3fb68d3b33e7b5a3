import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { logger } from '@nx/devkit';
import dockerBuildExecutor from './executor';
import dockerClean from '../docker-clean/executor';
import { inspectImage } from '../../engine/image-store';
import { forgetGitFacts } from '../../git/git-facts';
import type { BuildRecord } from '../../image/build-record';
import { dockerClient, assertEngineRunning, useEngine } from '../../engine/docker-client';
import { startContainer } from '../../engine/container-runner';
import { RegistryClient } from '../../registry/registry-client';
import { MediaType } from '../../oci/media-types';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { initGitRepo } from '../../../../janus-testing/src/git-repo';
import { testEngines } from '../../../../janus-testing/src/test-engines';
import { imageEntries } from '../../../../janus-testing/src/index-entries';

const REGISTRY = 'localhost:5000';
const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/build-probe');

// Builds a fixture for amd64 and arm64 on the real engine (arm64 under qemu), pushes it to the local
// registry and checks what the registry serves against what the executor says it built. The same on Docker
// (BuildKit) and on Podman (podman build, its Docker-compatible socket): same tags, labels, list and media types.
describe.each(testEngines())('janus:docker-build on the real engine ($kind) and registry', (engine) => {
  let ws = '';
  const image = `janus-test/build-${randomBytes(3).toString('hex')}`;
  const registry = RegistryClient.forHost(REGISTRY);
  let sha = '';
  let metadata: BuildRecord;
  const published: string[] = [];

  beforeAll(async () => {
    useEngine(engine.target);
    await assertEngineRunning();
    ws = mkdtempSync(join(tmpdir(), 'janus-build-ws-'));
    cpSync(FIXTURE, join(ws, 'apps/probe'), { recursive: true });
    writeFileSync(join(ws, 'probe-secret.txt'), 's3cr3t-value-for-tests');
    writeFileSync(join(ws, '.gitignore'), 'dist\nprobe-secret.txt\n');
    sha = await initGitRepo(ws);
    const result = await dockerBuildExecutor(
      {
        image,
        registry: REGISTRY,
        platforms: 'linux/amd64,linux/arm64',
        push: true,
        tags: ['extra-tag'],
        secrets: ['id=probe-secret,src=probe-secret.txt'],
        labels: { 'org.janus.test-build': 'yes' },
        lint: false,
        engine: engine.buildOption,
      },
      executorContext(ws, 'probe', 'apps/probe'),
    );
    expect(result.success).toBe(true);
    metadata = JSON.parse(readFileSync(join(ws, 'dist/docker/probe/metadata.json'), 'utf8'));
  });

  afterAll(async () => {
    useEngine(engine.target);
    const docker = dockerClient();
    for (const img of await docker.listImages({ filters: { reference: [`${REGISTRY}/${image}`] } })) {
      await docker
        .getImage(img.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    for (const digest of [metadata?.indexDigest, ...(metadata?.platforms ?? []).map((p) => p.digest), ...published]) {
      if (digest) await registry.deleteManifest(image, digest).catch(() => undefined);
    }
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it('derives the tags from git and adds the extra one', () => {
    expect(metadata.tags).toEqual(['main', 'latest', `sha-${sha.slice(0, 7)}`, 'extra-tag']);
  });

  it('publishes a manifest list with exactly linux/amd64 and linux/arm64 under every tag', async () => {
    for (const tag of metadata.tags) {
      const list = await registry.getManifest(image, tag);
      // An OCI index: a Docker list has no annotations, and the attestation entries need them.
      expect(list.mediaType).toBe(MediaType.ociIndex);
      expect(list.digest).toBe(metadata.indexDigest);
      const platforms = (imageEntries(list.json.manifests) as Array<{ platform: { os: string; architecture: string } }>).map(
        (m) => `${m.platform.os}/${m.platform.architecture}`,
      );
      expect(platforms).toEqual(['linux/amd64', 'linux/arm64']);
    }
  });

  it('records in metadata.json the digests and sizes the registry serves', async () => {
    const list = await registry.getManifest(image, 'latest');
    const served = (imageEntries(list.json.manifests) as Array<{ digest: string; platform: { architecture: string } }>).map((m) => [
      m.platform.architecture,
      m.digest,
    ]);
    expect(metadata.platforms.map((p) => [p.platform.split('/')[1], p.digest])).toEqual(served);
    for (const p of metadata.platforms) expect(p.size).toBeGreaterThan(1e6);
    expect(metadata.baseImage).toMatchObject({ ref: 'python:3.11-slim' });
    expect(metadata.baseImage?.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it('labels the image with the OCI keys and the user labels', async () => {
    const info = await dockerClient().getImage(`${REGISTRY}/${image}:latest`).inspect();
    expect(info.Config.Labels).toMatchObject({
      'org.opencontainers.image.title': 'probe',
      'org.opencontainers.image.revision': sha,
      'org.opencontainers.image.version': `sha-${sha.slice(0, 7)}`,
      'org.janus.test-build': 'yes',
    });
    expect(new Date(info.Config.Labels['org.opencontainers.image.created']).getTime()).not.toBeNaN();
  });

  it('keeps the build secret out of the image', async () => {
    const docker = dockerClient();
    for (const p of metadata.platforms) {
      const history = JSON.stringify(await docker.getImage(p.imageId).history());
      const config = JSON.stringify((await docker.getImage(p.imageId).inspect()).Config);
      expect(history + config).not.toContain('s3cr3t-value-for-tests');
    }
  });

  it('builds a dirty tree as sha-<7>-dirty only, says so in its labels and record, and keeps the image its tags left', async () => {
    // An uncommitted change to a tracked file the image is built from (a comment: the layers are the same, its name is not).
    writeFileSync(join(ws, 'apps/probe/Dockerfile'), readFileSync(join(ws, 'apps/probe/Dockerfile'), 'utf8') + '# local edit\n');
    forgetGitFacts();
    const ctx = executorContext(ws, 'probe', 'apps/probe');
    const options = {
      image,
      registry: REGISTRY,
      platforms: 'linux/amd64',
      tags: ['extra-tag'],
      secrets: ['id=probe-secret,src=probe-secret.txt'],
      lint: false,
      engine: engine.buildOption,
    };
    const dirtyTag = `sha-${sha.slice(0, 7)}-dirty`;
    const releaseIds = async () =>
      Promise.all(['latest', 'main', `sha-${sha.slice(0, 7)}`, 'extra-tag'].map(async (t) => (await inspectImage(`${REGISTRY}/${image}:${t}`))?.Id));
    const before = await releaseIds();

    // Pushing it is refused before anything is built, unless asked for.
    expect((await dockerBuildExecutor({ ...options, push: true }, ctx)).success).toBe(false);
    const ids = new Set<string>();
    for (let i = 0; i < 2; i++) {
      expect((await dockerBuildExecutor(options, ctx)).success).toBe(true);
      ids.add((await dockerClient().getImage(`${REGISTRY}/${image}:${dirtyTag}`).inspect()).Id);
    }
    expect(ids.size).toBe(1);
    const dirty = JSON.parse(readFileSync(join(ws, 'dist/docker/probe/metadata.json'), 'utf8')) as BuildRecord;
    expect(dirty.tags).toEqual([dirtyTag]);
    expect(dirty.git).toMatchObject({ sha, dirty: true });
    const labels = (await dockerClient().getImage(dirty.platforms[0].imageId).inspect()).Config.Labels;
    expect(labels).toMatchObject({ 'org.opencontainers.image.version': dirtyTag, 'org.opencontainers.image.revision': sha, 'org.janus.git.dirty': 'true' });
    // The clean commit's tags, the branch, latest and the extra tag still name what they named.
    expect(await releaseIds()).toEqual(before);
    expect(await registry.headManifest(image, dirtyTag)).toBeNull();

    // --allowDirty publishes it, under the -dirty tag only.
    expect((await dockerBuildExecutor({ ...options, push: true, allowDirty: true }, ctx)).success).toBe(true);
    const pushed = JSON.parse(readFileSync(join(ws, 'dist/docker/probe/metadata.json'), 'utf8')) as BuildRecord;
    published.push(pushed.indexDigest!, ...pushed.platforms.map((p) => p.digest!));
    expect((await registry.headManifest(image, dirtyTag))?.digest).toBe(pushed.indexDigest);
    expect((await registry.getManifest(image, 'latest')).digest).toBe(metadata.indexDigest);

    // A source change makes a new image; the previous one stays, tagged kept-<id> (a cached record may name it),
    // until docker-clean removes it and says so.
    const previous = [...ids][0];
    writeFileSync(join(ws, 'apps/probe/extra.txt'), 'changed');
    cpSync(join(ws, 'apps/probe/Dockerfile'), join(ws, 'apps/probe/Dockerfile.orig'));
    writeFileSync(join(ws, 'apps/probe/Dockerfile'), readFileSync(join(ws, 'apps/probe/Dockerfile.orig'), 'utf8') + 'COPY extra.txt /extra.txt\n');
    expect((await dockerBuildExecutor(options, ctx)).success).toBe(true);
    expect((await dockerClient().getImage(`${REGISTRY}/${image}:${dirtyTag}`).inspect()).Id).not.toBe(previous);
    expect((await inspectImage(previous))?.RepoTags).toEqual([`${REGISTRY}/${image}:kept-${previous.slice(7, 23)}`]);
    const said: string[] = [];
    jest.spyOn(logger, 'info').mockImplementation((m: string) => void said.push(m));
    expect((await dockerClean({}, ctx)).success).toBe(true);
    jest.restoreAllMocks();
    expect(said.join('\n')).toContain(`removed kept image ${REGISTRY}/${image}:kept-${previous.slice(7, 23)} (built for probe)`);
    expect(await inspectImage(previous)).toBeUndefined();
    cpSync(join(ws, 'apps/probe/Dockerfile.orig'), join(ws, 'apps/probe/Dockerfile'));
  });

  it('built a real arm64 image that runs under qemu and reports aarch64', async () => {
    const arm = metadata.platforms.find((p) => p.platform === 'linux/arm64')!;
    const container = await startContainer(arm.ref, {});
    try {
      const exit = await dockerClient().getContainer(container.id).wait();
      expect(exit.StatusCode).toBe(0);
      expect((await container.logs()).trim()).toBe('aarch64 aarch64');
    } finally {
      await container.remove();
    }
  });
});
