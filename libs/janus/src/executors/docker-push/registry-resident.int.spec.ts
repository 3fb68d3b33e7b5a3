import { logger } from '@nx/devkit';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readContractReport, writeReports } from '../../contract/report';
import { assertEngineRunning } from '../../engine/docker-client';
import { inspectImage, pushImage, tagImage } from '../../engine/image-store';
import type { BuildRecord } from '../../image/build-record';
import { RegistryClient } from '../../registry/registry-client';
import { runCommand } from '../../process/run-command';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { TestRegistry } from '../../../../janus-testing/src/test-registry';
import contractTestExecutor from '../contract-test/executor';
import dockerBuildExecutor from '../docker-build/executor';
import dockerPushExecutor from './executor';
import { readPublishRecord } from '../../image/publish-record';
import { imageEntries } from '../../../../janus-testing/src/index-entries';

const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/contract/runtime-agent');

// Builds that live in the registry by digest, on a registry this spec owns and breaks: the record must be
// enough to test and publish on an engine that never had the images, a second push of the same image uploads
// nothing, and a registry that stalls, dies or cannot write never leaves tags and record disagreeing.
describe('registry-resident builds on the real engine and a registry of their own', () => {
  const registry = new TestRegistry();
  const ws = mkdtempSync(join(tmpdir(), 'janus-resident-'));
  const image = `janus-test/resident-${randomBytes(3).toString('hex')}`;
  const ctx = executorContext(ws, 'agent', 'apps/agent');
  const recordFile = join(ws, 'dist/docker/agent/metadata.json');
  const reportDir = join(ws, 'dist/contract/agent');
  const record = () => JSON.parse(readFileSync(recordFile, 'utf8')) as BuildRecord;
  const repo = () => `${registry.host}/${image}`;
  const client = () => RegistryClient.forHost(registry.host, { retries: 0 });
  const env = process.env;
  let errors: string[] = [];
  let infos: string[] = [];

  // Reproducible, as the ci configuration builds. Without it "the same digest" held only while the engine's build
  // cache still had the first build's steps: on a fresh machine BuildKit collected them mid-suite, the RUN layer
  // and the config got new times, and the digest changed (sha256:35cf… for sha256:5c7a…).
  const build = (extra: Record<string, unknown> = {}) =>
    dockerBuildExecutor(
      {
        image,
        registry: registry.host,
        platforms: 'linux/amd64',
        keepImagesIn: 'registry',
        deriveTags: false,
        tags: ['v1'],
        lint: false,
        reproducible: true,
        ...extra,
      },
      ctx,
    );
  const contract = () => contractTestExecutor({ kind: 'runtime', env: { OPENAI_API_KEY: 'sk-test' } }, ctx);
  /** A new layer, so the next build is a new image with bytes to upload. */
  const change = (bytes = 64) => {
    writeFileSync(join(ws, 'apps/agent/payload.bin'), randomBytes(bytes));
    appendFileSync(join(ws, 'apps/agent/agent'), `\n# ${randomBytes(4).toString('hex')}\n`);
  };
  /** The record, the tags and the local release tag, all of which a failed publish must leave as they were. */
  const state = async () => ({
    record: readFileSync(recordFile, 'utf8'),
    v1: (await client().headManifest(image, 'v1'))?.digest,
    local: (await inspectImage(`${repo()}:v1`))?.Id,
    tempFiles: readdirSync(join(ws, 'dist/docker/agent')).filter((f) => f.endsWith('.tmp')),
  });

  beforeAll(async () => {
    await assertEngineRunning();
    await registry.start();
    cpSync(FIXTURE, join(ws, 'apps/agent'), { recursive: true });
    appendFileSync(join(ws, 'apps/agent/Dockerfile'), 'COPY payload.bin /opt/payload.bin\n');
    change();
  });
  beforeEach(() => {
    errors = [];
    infos = [];
    jest.spyOn(logger, 'info').mockImplementation((m: unknown) => void infos.push(String(m)));
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = env;
    registry.signal('SIGCONT');
  });
  afterAll(async () => {
    await removeImages(repo());
    await registry.stop();
    rmSync(ws, { recursive: true, force: true });
  });

  it('docker-build stages the platform image by digest under its build-<image id> tag and records where it lives', async () => {
    expect((await build()).success).toBe(true);
    // A first build: the layer-cache source (:latest) is not in the registry yet, which it says once, quietly,
    // instead of BuildKit's "ERROR: <ref>: not found".
    expect(infos.join('\n')).not.toMatch(/ERROR: .*not found/);
    expect(infos.join('\n')).toContain(`layer cache: ${registry.host}/${image}:latest not in the registry yet; building without it`);
    const r = record();
    const [p] = r.platforms;
    expect(r).toMatchObject({ keepImagesIn: 'registry', registry: registry.host, repository: image, pushed: false });
    expect(p.stagingTag).toBe(`build-${p.imageId.slice(7, 23)}`);
    expect((await client().headManifest(image, p.stagingTag!))?.digest).toBe(p.digest);
    expect(p.uploadedBytes).toBeGreaterThan(0);
    // Staged, not released: no release tag in the registry yet.
    expect(await client().headManifest(image, 'v1')).toBeNull();
  });

  it('with the images gone from the engine (a cache hit elsewhere), contract-test pulls the digest and docker-push publishes from the registry', async () => {
    const [p] = record().platforms;
    await removeImages(repo());
    expect(await inspectImage(p.imageId)).toBeUndefined();
    expect((await contract()).success).toBe(true);
    expect(readContractReport(reportDir)).toMatchObject({ ok: true, digest: p.digest, imageId: p.imageId });

    await removeImages(repo());
    expect((await dockerPushExecutor({}, ctx)).success).toBe(true);
    const list = await client().getManifest(image, 'v1');
    expect(list.digest).toBe(readPublishRecord(join(ws, 'dist/docker-push/agent/publish.json'))!.indexDigest);
    expect((imageEntries(list.json.manifests) as Array<{ digest: string }>).map((m) => m.digest)).toEqual([p.digest]);
    expect(infos.join('\n')).toMatch(/janus:docker-push: 0 layer bytes uploaded \(the platform images were already in the registry by digest/);
    // The summary table above that line agrees with it (it once showed the build's upload).
    const summary = infos.find((l) => /\n\s*platform\s+digest\s+size\s+build\s+uploaded/.test(l))!;
    expect(summary.split('\n').find((l) => l.startsWith('linux/'))).toMatch(/\s0 B$/);
    expect(await inspectImage(p.imageId)).toBeUndefined();
  });

  it('a second build of the unchanged image uploads 0 layer bytes and stages the same digest', async () => {
    const before = record().platforms[0];
    expect((await build({ push: true })).success).toBe(true);
    const [p] = record().platforms;
    expect(p.digest).toBe(before.digest);
    expect(p.uploadedBytes).toBe(0);
    expect(infos.join('\n')).toMatch(/pushed by digest as .*, 0 layer bytes uploaded/);
  });

  it('docker-push refuses a digest the contract did not pass, and a report that names no digest', async () => {
    const report = readContractReport(reportDir)!;
    writeReports(reportDir, { ...report, digest: `sha256:${'e'.repeat(64)}` });
    expect((await dockerPushExecutor({}, ctx)).success).toBe(false);
    writeReports(reportDir, { ...report, digest: undefined });
    expect((await dockerPushExecutor({}, ctx)).success).toBe(false);
    expect(errors).toEqual([
      expect.stringMatching(/the contract report in .* is for sha256:eeeeeeeeeeee, not a digest of this build \(sha256:/),
      expect.stringMatching(/is for .* \(no digest recorded\), not a digest of this build/),
    ]);
    writeReports(reportDir, report);
  });

  it('a stalled registry (SIGSTOP) fails docker-push, docker-build --push, an engine push and a contract-test pull at their deadline, naming what they waited for', async () => {
    process.env = { ...env, JANUS_REGISTRY_TIMEOUT_S: '2' };
    const ref = `${repo()}:stall`;
    await tagImage(record().platforms[0].imageId, ref).catch(async () => {
      await runCommand('docker', ['pull', `${repo()}@${record().platforms[0].digest}`]);
      await tagImage(record().platforms[0].imageId, ref);
    });
    const before = await state();
    registry.signal('SIGSTOP');
    expect((await dockerPushExecutor({}, ctx)).success).toBe(false);
    expect((await build({ push: true })).success).toBe(false);
    await expect(pushImage(ref, undefined, undefined, 2000)).rejects.toThrow(
      /push .*:stall: no progress for 2 s while waiting for .*; is the registry answering\?/,
    );
    // contract-test pulling an image the engine lacks from the stalled registry.
    expect((await contractTestExecutor({ image: `${repo()}:not-here`, kind: 'runtime' }, ctx)).success).toBe(false);
    expect(errors[0]).toMatch(/no answer within 2 s while waiting for (HEAD|GET) http:\/\/localhost:\d+\/v2\/.*; is the registry running and answering\?/);
    expect(errors[1]).toMatch(/no answer within 2 s while waiting for GET http:\/\/localhost:\d+\/v2\//);
    expect(errors[2]).toMatch(
      /'image' = ".*:not-here": not in the local engine, and pulling it from localhost:\d+ failed \(the engine did not start the pull within 2 s \(it waits for the registry's first answer\); is the registry answering\?\)/,
    );
    registry.signal('SIGCONT');
    expect(await state()).toEqual(before);
  });

  it('a registry killed in the middle of a layer upload moves no tag: registry, local tags and record stay on the old build', async () => {
    const before = await state();
    change(48 * 1024 * 1024);
    const uploads = join(registry.data, 'docker/registry/v2/repositories', image, '_uploads');
    let killed = false;
    const watcher = setInterval(() => {
      if (killed || !existsSync(uploads)) return;
      const growing = readdirSync(uploads).some((u) => existsSync(join(uploads, u, 'data')) && statSync(join(uploads, u, 'data')).size > 0);
      if (growing) {
        killed = true;
        void registry.kill();
      }
    }, 5);
    try {
      expect((await build({ push: true })).success).toBe(false);
    } finally {
      clearInterval(watcher);
    }
    expect(killed).toBe(true);
    await registry.start();
    expect(await state()).toEqual(before);
    // The tag is whole: its list and every manifest it names are served.
    const list = await client().getManifest(image, 'v1');
    for (const m of list.json.manifests as Array<{ digest: string }>) await client().getSingleManifest(image, m.digest);
  });

  it('read-only registry storage: the build fails and nothing moves', async () => {
    const before = await state();
    change();
    await registry.makeStorageReadOnly();
    try {
      expect((await build({ push: true })).success).toBe(false);
    } finally {
      await registry.makeStorageWritable();
    }
    expect(await state()).toEqual(before);
  });

  it('a full disk under the record directory fails before any release tag moves, leaving no temp file', async () => {
    const before = await state();
    change();
    const full = join(ws, 'dist/full');
    mkdirSync(full, { recursive: true });
    await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
    try {
      await runCommand('dd', ['if=/dev/zero', `of=${join(full, 'filler')}`, 'bs=4k', 'count=64']).catch(() => undefined);
      expect((await build({ push: true, outputPath: 'dist/full' })).success).toBe(false);
      expect(errors.join('\n')).toMatch(/could not write the build record .*dist\/full\/metadata.json .*nothing was published/);
      expect(readdirSync(full)).toEqual(['filler']);
    } finally {
      await runCommand('umount', [full]);
    }
    expect(await state()).toEqual(before);
  });
});
