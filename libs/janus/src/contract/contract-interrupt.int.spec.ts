import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildImage } from '../testing/build-test-image';
import { testContainerFilter } from '../engine/container-runner';
import { assertEngineRunning, dockerClient } from '../engine/docker-client';
import { spawnExecutor } from '../testing/spawn-executor';

// Ctrl-C while the suite waits on a container: the run's containers are removed before the process exits.
describe('contract-test interrupted', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-contract-int-'));
  const image = `janus-test/contract-sleeper:${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    await assertEngineRunning();
    await buildImage({ context: join(__dirname, '../testing/fixtures/contract/sleeper'), tags: [image] });
  });
  afterAll(async () => {
    await dockerClient()
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  it('removes its containers on SIGINT', async () => {
    const docker = dockerClient();
    const child = spawnExecutor(join(__dirname, '../executors/contract-test/executor.ts'), ws, { image, readyTimeoutS: 120 });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while ((await docker.listContainers({ filters: { label: testContainerFilter(), ancestor: [image] } })).length === 0) {
      if (Date.now() > deadline) throw new Error('the contract run never started a container');
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await docker.listContainers({ all: true, filters: { label: testContainerFilter() } })).toEqual([]);
  });
});
