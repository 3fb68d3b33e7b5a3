import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { logger } from '../../workspace/nx-logger';
import dockerBuildExecutor from './executor';
import { assertEngineRunning, engineApi } from '../../engine/docker-client';
import { BUILDERS_ENV } from '../../engine/builder-endpoints';
import type { BuildRecord } from '../../image/build-record';
import { runCommand } from '../../process/run-command';
import { RegistryClient } from '../../registry/registry-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { initGitRepo } from '../../../../janus-testing/src/git-repo';
import { SecondEngine } from '../../../../janus-testing/src/second-engine';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { imageEntries } from '../../../../janus-testing/src/index-entries';

const REGISTRY = 'localhost:5000';

// amd64 on the local engine, arm64 on a second dockerd (its own socket, data root and bridge, the shared
// registry as its mirror) standing in for an arm64 node; this machine is amd64, so that engine emulates
// arm64 (`?emulated=true`), which is what the builder's native platform in the record says.
describe('janus:docker-build with a builder per platform', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-builders-ws-'));
  const image = `janus-test/builders-${randomBytes(3).toString('hex')}`;
  const registry = RegistryClient.forHost(REGISTRY);
  const env = process.env;
  let second: SecondEngine;
  let record: BuildRecord | undefined;
  const stagedOnFailure: string[] = [];
  const errors: string[] = [];
  const infos: string[] = [];
  const warnings: string[] = [];

  const build = (tags = ['t1']) =>
    dockerBuildExecutor(
      { image, registry: REGISTRY, platforms: 'linux/amd64,linux/arm64', push: true, lint: false, deriveTags: false, tags },
      executorContext(ws, 'probe', 'apps/probe'),
    );

  beforeAll(async () => {
    await assertEngineRunning();
    second = await SecondEngine.start();
    mkdirSync(join(ws, 'apps/probe'), { recursive: true });
    // Tiny on purpose: the base image comes through each engine's mirror, one RUN says where it ran.
    writeFileSync(join(ws, 'apps/probe/Dockerfile'), 'FROM python:3.11-slim\nRUN uname -m > /built-on\n');
    writeFileSync(join(ws, '.gitignore'), 'dist\n');
    await initGitRepo(ws);
  }, 120_000);

  beforeEach(() => {
    errors.length = 0;
    infos.length = 0;
    warnings.length = 0;
    jest.spyOn(logger, 'warn').mockImplementation((m: unknown) => void warnings.push(String(m)));
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    jest.spyOn(logger, 'info').mockImplementation((m: unknown) => void infos.push(String(m)));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.env = env;
  });

  afterAll(async () => {
    await removeImages(`${REGISTRY}/${image}`);
    for (const digest of [record?.indexDigest, ...(record?.platforms ?? []).map((p) => p.digest), ...stagedOnFailure]) {
      if (digest) await registry.deleteManifest(image, digest).catch(() => undefined);
    }
    await second?.stop();
    rmSync(ws, { recursive: true, force: true });
  }, 120_000);

  it('refuses a builder of the wrong architecture and an unreachable one before any build, naming platform and endpoint', async () => {
    process.env = { ...env, [BUILDERS_ENV]: `linux/arm64=${second.endpoint},linux/amd64=unix:///var/run/janus-no-such-engine.sock` };
    expect((await build()).success).toBe(false);
    const said = errors.join('\n');
    expect(said).toContain(`builder for linux/arm64 (${second.endpoint}) is a linux/amd64 engine, not linux/arm64`);
    expect(said).toContain('builder for linux/amd64 (unix:///var/run/janus-no-such-engine.sock) is not reachable');
    expect(infos.join('\n')).not.toMatch(/\] building /);
    expect(existsSync(join(ws, 'dist/docker/probe/metadata.json'))).toBe(false);
  });

  it('builds each platform on its own engine, stages both and publishes one list', async () => {
    process.env = { ...env, [BUILDERS_ENV]: `linux/arm64=${second.endpoint}?emulated=true` };
    expect((await build()).success).toBe(true);
    record = JSON.parse(readFileSync(join(ws, 'dist/docker/probe/metadata.json'), 'utf8')) as BuildRecord;
    const [amd64, arm64] = record.platforms;
    expect([amd64.platform, arm64.platform]).toEqual(['linux/amd64', 'linux/arm64']);
    expect(arm64.builder).toMatchObject({ endpoint: second.endpoint, native: 'linux/amd64' });
    expect(amd64.builder?.endpoint).not.toBe(second.endpoint);

    // Each engine's own image store: the arm64 image is only in the second engine, the amd64 one only here.
    const local = engineApi();
    expect((await second.api.inspectImage(arm64.imageId))?.Architecture).toBe('arm64');
    expect(await local.inspectImage(arm64.imageId)).toBeUndefined();
    expect((await local.inspectImage(amd64.imageId))?.Architecture).toBe('amd64');
    expect(await second.api.inspectImage(amd64.imageId)).toBeUndefined();

    // The registry's list holds both, by the digests each engine staged.
    const list = await registry.getManifest(image, 't1');
    expect(list.digest).toBe(record.indexDigest);
    const entries = (imageEntries(list.json.manifests) as Array<{ digest: string; platform: { architecture: string } }>).map((m) => [
      m.platform.architecture,
      m.digest,
    ]);
    expect(entries).toEqual([
      ['amd64', amd64.digest],
      ['arm64', arm64.digest],
    ]);
    // The summary table says which builder built what.
    const summary = infos.find((l) => /^\s*platform .* builder$/m.test(l)) ?? '';
    expect(summary).toMatch(new RegExp(`linux/arm64 .*${second.endpoint.replace(/[/.]/g, '\\$&')}.*emulated on linux/amd64`));
  }, 600_000);

  it('a platform that fails mid-build on its builder leaves the other staged by digest and publishes nothing', async () => {
    expect(record).toBeDefined(); // the list the previous case published, which must stay as it is
    const before = readFileSync(join(ws, 'dist/docker/probe/metadata.json'), 'utf8');
    // Fails on the arm64 builder only, after the base image came in: amd64 builds on the local engine meanwhile.
    writeFileSync(join(ws, 'apps/probe/Dockerfile'), 'FROM python:3.11-slim\nRUN uname -m > /built-on && test "$(uname -m)" != aarch64\n');
    await runCommand('git', ['-c', 'user.name=t', '-c', 'user.email=t@janus.invalid', 'commit', '-qam', 'fails on arm64'], { cwd: ws });
    process.env = { ...env, [BUILDERS_ENV]: `linux/arm64=${second.endpoint}?emulated=true` };
    expect((await build(['t2'])).success).toBe(false);
    expect(errors.join('\n')).toMatch(/linux\/arm64/);
    const kept = /linux\/amd64 \((sha256:[0-9a-f]{12})\) stay in the registry by digest under content-named tags for a retry; nothing was published/.exec(
      warnings.join('\n'),
    );
    expect(kept).not.toBeNull();
    // The staged amd64 manifest is in the registry under its digest; no list, no new tag, the old one unmoved.
    const staged = (await registry.listTags(image)).filter((t) => t.startsWith('build-'));
    const digests = await Promise.all(staged.map(async (t) => (await registry.getManifest(image, t)).digest));
    const amd64 = digests.find((d) => d.startsWith(kept![1]));
    expect(amd64).toBeDefined();
    stagedOnFailure.push(amd64!);
    expect(amd64).not.toBe(record!.platforms[0].digest);
    await expect(registry.getManifest(image, 't2')).rejects.toThrow();
    expect((await registry.getManifest(image, 't1')).digest).toBe(record!.indexDigest);
    expect(readFileSync(join(ws, 'dist/docker/probe/metadata.json'), 'utf8')).toBe(before);
  }, 600_000);
});
