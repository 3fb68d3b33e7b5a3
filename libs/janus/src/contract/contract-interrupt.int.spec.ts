import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { buildImage } from '../../../janus-testing/src/build-test-image';
import { testContainerFilter } from '../engine/container-runner';
import { assertEngineRunning, dockerClient } from '../engine/docker-client';
import { ctrlCUnderNx } from '../../../janus-testing/src/ctrl-c-under-nx';
import { spawnExecutor } from '../../../janus-testing/src/spawn-executor';

type Moment = 'before the first container' | 'while a container is being created' | 'mid-checks';

// Ctrl-C under Nx: the terminal's SIGINT reaches every process of the group, and Nx sends its task SIGTERM twice
// right after. At each moment, several times: the run's containers are all removed before the process exits 130,
// including one whose creation was still in flight, and the log says what was stopped.
describe('contract-test interrupted', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-contract-int-'));
  const image = `janus-test/contract-sleeper:${randomBytes(3).toString('hex')}`;
  const docker = dockerClient();
  const ours = () => docker.listContainers({ all: true, filters: { label: testContainerFilter(), ancestor: [image] } });

  beforeAll(async () => {
    await assertEngineRunning();
    await buildImage({ context: join(__dirname, '../../../janus-testing/src/fixtures/contract/sleeper'), tags: [image] });
  });
  afterAll(async () => {
    await dockerClient()
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  /** Resolves at the engine event for this image's containers (the hook that makes "during start" exact). */
  async function engineEvent(action: 'create' | 'start'): Promise<{ promise: Promise<void>; stop(): void }> {
    const events = (await docker.getEvents({ filters: { type: ['container'], event: [action], label: testContainerFilter() } })) as Readable;
    const promise = new Promise<void>((resolve) =>
      events.on('data', (c: Buffer) => {
        if (c.toString().includes(image)) resolve();
      }),
    );
    return { promise, stop: () => events.destroy() };
  }

  async function interruptAt(moment: Moment): Promise<{ code: number | null; output: string }> {
    const hook =
      moment === 'while a container is being created' ? await engineEvent('create') : moment === 'mid-checks' ? await engineEvent('start') : undefined;
    const child = spawnExecutor(join(__dirname, '../executors/contract-test/executor.ts'), ws, { image, readyTimeoutS: 120 });
    let output = '';
    const checking = new Promise<void>((resolve) => {
      const onData = (c: Buffer) => {
        output += c.toString();
        if (output.includes('janus:contract-test: checking')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await Promise.race([moment === 'before the first container' ? checking : hook!.promise, exited]);
      if (moment === 'mid-checks') await new Promise((r) => setTimeout(r, 1000));
      await ctrlCUnderNx(child);
      return { code: await exited, output };
    } finally {
      hook?.stop();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  for (const moment of ['before the first container', 'while a container is being created', 'mid-checks'] as const) {
    it(`removes every container it started when interrupted ${moment} (3 tries)`, async () => {
      for (let i = 0; i < 3; i++) {
        const { code, output } = await interruptAt(moment);
        expect({ try: i, left: await ours() }).toEqual({ try: i, left: [] });
        expect({ try: i, code }).toEqual({ try: i, code: 130 });
        expect(output).toMatch(/janus:contract-test: SIGINT: stopped while .*; removing this run's containers/);
        expect(output).toMatch(/janus:contract-test: cancelled; done: removing this run's containers/);
      }
    }, 180_000);
  }
});
