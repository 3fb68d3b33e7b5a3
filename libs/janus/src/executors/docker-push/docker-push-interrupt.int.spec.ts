import { logger } from '@nx/devkit';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import type { BuildRecord } from '../../image/build-record';
import { RegistryClient } from '../../registry/registry-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { ctrlCUnderNx } from '../../../../janus-testing/src/ctrl-c-under-nx';
import { spawnExecutor } from '../../../../janus-testing/src/spawn-executor';
import { removeImages } from '../../../../janus-testing/src/test-images';
import dockerBuildExecutor from '../docker-build/executor';

const REGISTRY = 'localhost:5000';

// Ctrl-C during docker-push, with the signals one Ctrl-C under Nx sends: it says what it stopped, exits 130,
// and the local build-<id> staging tag it made for the push is gone.
describe('docker-push interrupted', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-push-int-'));
  const image = `janus-test/push-int-${randomBytes(3).toString('hex')}`;
  const docker = dockerClient();
  const record = () => JSON.parse(readFileSync(join(ws, 'dist/docker/probe/metadata.json'), 'utf8')) as BuildRecord;
  const stagingTags = async () =>
    (await docker.listImages({ filters: { reference: [`${REGISTRY}/${image}`] } })).flatMap((i) => i.RepoTags ?? []).filter((t) => t.includes(':build-'));

  beforeAll(async () => {
    await assertEngineRunning();
    cpSync(join(__dirname, '../../../../janus-testing/src/fixtures/build-probe'), join(ws, 'apps/probe'), { recursive: true });
    writeFileSync(join(ws, 'secret.txt'), 'x-secret-x');
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const built = await dockerBuildExecutor(
      { image, registry: REGISTRY, platforms: 'linux/amd64', deriveTags: false, tags: ['v1'], secrets: ['id=probe-secret,src=secret.txt'], lint: false },
      executorContext(ws, 'probe', 'apps/probe'),
    );
    jest.restoreAllMocks();
    expect(built.success).toBe(true);
    expect(record().keepImagesIn).toBe('engine');
  });
  afterAll(async () => {
    await removeImages(`${REGISTRY}/${image}`);
    const registry = RegistryClient.forHost(REGISTRY);
    for (const tag of await registry.listTags(image).catch(() => [] as string[])) {
      const found = await registry.headManifest(image, tag).catch(() => null);
      if (found) await registry.deleteManifest(image, found.digest).catch(() => undefined);
    }
    rmSync(ws, { recursive: true, force: true });
  });

  /** Interrupts the push at the engine's `tag` event for the staging tag: the moment the push starts. */
  async function interruptedPush(): Promise<{ code: number | null; output: string }> {
    const events = (await docker.getEvents({ filters: { type: ['image'], event: ['tag'] } })) as Readable;
    const tagged = new Promise<void>((resolve) => events.on('data', (c: Buffer) => c.toString().includes(`${image}:build-`) && resolve()));
    const child = spawnExecutor(join(__dirname, 'executor.ts'), ws, { requireContract: false });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await Promise.race([tagged, exited]);
      await ctrlCUnderNx(child);
      return { code: await exited, output };
    } finally {
      events.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  it('says what it stopped and leaves no build-<id> tag it made (3 tries)', async () => {
    for (let i = 0; i < 3; i++) {
      const { code, output } = await interruptedPush();
      expect({ try: i, left: await stagingTags() }).toEqual({ try: i, left: [] });
      expect({ try: i, code }).toEqual({ try: i, code: 130 });
      expect(output).toMatch(
        /janus:docker-push: SIGINT: stopped while pushing .*janus-test\/push-int-\w+ \(linux\/amd64\); no release tag had moved; removing the local tag .*:build-/,
      );
      expect(output).toMatch(/janus:docker-push: cancelled; done: removing the local tag/);
    }
  }, 120_000);
});
