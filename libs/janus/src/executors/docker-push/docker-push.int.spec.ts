import { removeImages } from '../../../../janus-testing/src/test-images';
import { logger } from '@nx/devkit';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import dockerBuildExecutor from '../docker-build/executor';
import dockerPushExecutor from './executor';
import { type ContractReport, writeReports } from '../../contract/report';
import { assertEngineRunning } from '../../engine/docker-client';
import { tagImage } from '../../engine/image-store';
import type { BuildRecord } from '../../image/build-record';
import { nativePlatform } from '../../oci/platform';
import { RegistryClient } from '../../registry/registry-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { readPublishRecord } from '../../image/publish-record';
import { imageEntries } from '../../../../janus-testing/src/index-entries';

const REGISTRY = 'localhost:5000';
const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/build-probe');

// Build without pushing, then publish what was built: the registry must serve exactly the recorded images,
// and a local tag that moved in between, or a contract that did not pass on this build, must stop the push.
describe('janus:docker-push on the real engine and registry', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-push-'));
  const image = `janus-test/push-${randomBytes(3).toString('hex')}`;
  const ctx = executorContext(ws, 'probe', 'apps/probe');
  const registry = RegistryClient.forHost(REGISTRY);
  const metadataFile = join(ws, 'dist/docker/probe/metadata.json');
  const reportDir = join(ws, 'dist/contract/probe');
  const record = () => JSON.parse(readFileSync(metadataFile, 'utf8')) as BuildRecord;
  const published = () => readPublishRecord(join(ws, 'dist/docker-push/probe/publish.json'));
  let errors: string[] = [];

  /** What contract-test writes after a run: here stated directly, since the probe image is not a server. */
  function contractReport(imageId: string, ok = true): void {
    const report: ContractReport = {
      project: 'probe',
      image,
      imageId,
      kind: 'baseline',
      ok,
      durationMs: 1,
      checks: [{ id: 'readiness', title: 'r', ok, figure: '1 ms', durationMs: 1 }],
    };
    writeReports(reportDir, report);
  }
  const nativeImageId = () => record().platforms.find((p) => p.platform === nativePlatform())!.imageId;

  beforeAll(async () => {
    await assertEngineRunning();
    cpSync(FIXTURE, join(ws, 'apps/probe'), { recursive: true });
    writeFileSync(join(ws, 'secret.txt'), 'x-secret-x');
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const built = await dockerBuildExecutor(
      {
        image,
        registry: REGISTRY,
        platforms: 'linux/amd64,linux/arm64',
        deriveTags: false,
        tags: ['v1'],
        secrets: ['id=probe-secret,src=secret.txt'],
        lint: false,
      },
      ctx,
    );
    expect(built.success).toBe(true);
  });
  beforeEach(() => {
    errors = [];
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await removeImages(`${REGISTRY}/${image}`);
    const metadata = record();
    for (const digest of [published()?.indexDigest, ...metadata.platforms.map((p) => p.digest), ...(published()?.platforms ?? []).map((p) => p.digest)])
      if (digest) await registry.deleteManifest(image, digest).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  it('docker-build alone pushes nothing', async () => {
    expect(await registry.headManifest(image, 'v1')).toBeNull();
    expect(record().pushed).toBe(false);
  });

  it('refuses without a contract report, or with one for another image or a failed one', async () => {
    expect((await dockerPushExecutor({}, ctx)).success).toBe(false);
    contractReport(`sha256:${'d'.repeat(64)}`);
    expect((await dockerPushExecutor({}, ctx)).success).toBe(false);
    contractReport(nativeImageId(), false);
    expect((await dockerPushExecutor({}, ctx)).success).toBe(false);
    expect(errors).toEqual([
      expect.stringMatching(/no contract report in .*dist\/contract\/probe; run 'nx run probe:contract-test' first/),
      expect.stringMatching(/the contract report .* is for sha256:dddddddddddd, not an image of this build/),
      expect.stringMatching(/failed the contract \(readiness\); nothing was published/),
    ]);
    expect(await registry.headManifest(image, 'v1')).toBeNull();
  });

  it('publishes the recorded platform images and the list, and records the digests in its own record', async () => {
    contractReport(nativeImageId());
    const built = readFileSync(metadataFile, 'utf8');
    expect((await dockerPushExecutor({}, ctx)).success).toBe(true);
    const publication = published()!;
    const list = await registry.getManifest(image, 'v1');
    expect(publication).toMatchObject({
      project: 'probe',
      image: `${REGISTRY}/${image}`,
      tags: ['v1'],
      indexDigest: list.digest,
      buildRecord: 'dist/docker/probe/metadata.json',
    });
    expect((imageEntries(list.json.manifests) as Array<{ digest: string }>).map((m) => m.digest)).toEqual(publication.platforms.map((p) => p.digest));
    // docker-build's output is its own: a later cache restore of it cannot revert what was published.
    expect(readFileSync(metadataFile, 'utf8')).toBe(built);
  });

  it('publishes the images the record names by id, even when a local tag has since moved to another image', async () => {
    const [amd, arm] = record().platforms;
    await tagImage(arm.imageId, amd.ref);
    try {
      expect((await dockerPushExecutor({}, ctx)).success).toBe(true);
      const list = await registry.getManifest(image, 'v1');
      expect((imageEntries(list.json.manifests) as Array<{ digest: string }>).map((m) => m.digest)).toEqual(published()!.platforms.map((p) => p.digest));
      expect(record().platforms.map((p) => p.imageId)).toEqual([amd.imageId, arm.imageId]);
    } finally {
      await tagImage(amd.imageId, amd.ref);
    }
  });

  it('names the file and what to run when there is no build to push', async () => {
    expect((await dockerPushExecutor({ metadata: 'dist/none/metadata.json' }, ctx)).success).toBe(false);
    expect(errors.join('\n')).toMatch(/build record .*dist\/none\/metadata.json: not found; run 'nx run probe:docker-build' first/);
  });
});
