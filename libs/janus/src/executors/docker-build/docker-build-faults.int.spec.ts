import { removeImages } from '../../../../janus-testing/src/test-images';
import { logger } from '@nx/devkit';
import { SocketEngineApi } from '../../engine/socket-engine-api';
import { appendFileSync, chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCommand } from '../../process/run-command';
import dockerBuildExecutor from './executor';
import type { DockerBuildOptions } from './options-schema';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { RegistryClient } from '../../registry/registry-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { REPO_ROOT } from '../../../../../tools/repo-root';

const REGISTRY = 'localhost:5000';
const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/build-probe');

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
    await rememberGoodBuild();
  });

  /** The last successful build: what every failing one must leave in place. */
  async function rememberGoodBuild() {
    goodDigest = (await registry.headManifest(image, 'stable'))!.digest;
    goodImageId = (await dockerClient().getImage(`${REGISTRY}/${image}:stable`).inspect()).Id;
  }

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

  it('an image over the size budget fails with its largest paths and moves no tag', async () => {
    expect((await run({ sizeBudgetMb: 1 })).success).toBe(false);
    const message = errors.join('\n');
    expect(message).toMatch(/linux\/amd64: image is [\d.]+ MB, over the size budget of 1 MB \(sizeBudgetMb\); nothing was tagged or pushed\. Largest paths:/);
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

  /** Image ids the engine holds with no tag, built from the probe: what a failed or interrupted build leaks. */
  async function danglingProbeImages(): Promise<string[]> {
    const images = await dockerClient().listImages({ filters: { dangling: ['true'], label: ['org.opencontainers.image.title=probe'] } });
    return images.map((i) => i.Id);
  }

  it('a full TMPDIR does not stop a build, and leaves nothing in it', async () => {
    const full = mkdtempSync(join(tmpdir(), 'janus-full-tmp-'));
    const env = process.env;
    try {
      await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
      await runCommand('sh', ['-c', `dd if=/dev/zero of=${full}/fill bs=4k 2>/dev/null; true`]);
      const before = await danglingProbeImages();
      // In its own process, as nx runs it: only there does TMPDIR reach node's os.tmpdir() (jest's is a copy).
      const options = { ...base, labels: { 'org.janus.probe.run': randomBytes(4).toString('hex') } };
      const cli = [
        join(__dirname, '../../../../janus-testing/src/run-executor-cli.ts'),
        join(__dirname, 'executor.ts'),
        ws,
        'probe',
        'apps/probe',
        JSON.stringify(options),
      ];
      await runCommand('node', ['-r', '@swc-node/register', ...cli], { cwd: REPO_ROOT, env: { ...env, TMPDIR: full } });
      // The TypeScript loader's cache directory is the test harness's, not the build's.
      expect(readdirSync(full).filter((e) => !e.startsWith('swc-node-'))).toEqual(['fill']);
      expect((await danglingProbeImages()).filter((id) => !before.includes(id))).toEqual([]);
      await rememberGoodBuild();
    } finally {
      await runCommand('umount', [full]).catch(() => undefined);
      rmSync(full, { recursive: true, force: true });
    }
  });

  it('a client that fails after the engine wrote the image leaves no image behind and the tags intact', async () => {
    // The real classic client does the build, then exits non-zero, as it did when it could not write its iidfile.
    const bin = join(ws, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'docker'),
      '#!/bin/sh\n[ "$1" = build ] || exec /usr/bin/docker "$@"\n/usr/bin/docker "$@" || exit $?\necho "cannot write image ID file: no space left on device" >&2\nexit 1\n',
    );
    chmodSync(join(bin, 'docker'), 0o755);
    const env = process.env;
    const before = await danglingProbeImages();
    process.env = { ...env, JANUS_DOCKER_CLI: join(bin, 'docker') };
    try {
      expect((await run({ engine: 'docker', labels: { 'org.janus.probe.run': randomBytes(4).toString('hex') } })).success).toBe(false);
    } finally {
      process.env = env;
    }
    expect(errors.join('\n')).toMatch(/no space left on device/);
    expect((await danglingProbeImages()).filter((id) => !before.includes(id))).toEqual([]);
    await expectPreviousTagsIntact();
  });

  it('an engine that is not running is reported with how to start it', async () => {
    await expect(assertEngineRunning(new SocketEngineApi('/nonexistent/docker.sock'))).rejects.toThrow(/not reachable.*Start Docker .*Podman.*DOCKER_HOST/);
  });
});
