import { logger } from '@nx/devkit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectContainers } from '../../compose/workspace-containers';
import { assertEngineRunning, containerEngine, useEngine } from '../../engine/docker-client';
import { testEngines } from '../../../../janus-testing/src/test-engines';
import { ctrlCUnderNx } from '../../../../janus-testing/src/ctrl-c-under-nx';
import { holdDemoAgentImage, untagImages } from '../../../../janus-testing/src/test-images';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import dockerLogs from '../docker-logs/executor';
import dockerStop from '../docker-stop/executor';
import dockerRun from './executor';
import { spawnExecutor } from '../../../../janus-testing/src/spawn-executor';
import { freePort } from '../../../../janus-testing/src/test-registry';

// docker-run as `nx run` runs it (its own process, so it can be sent Ctrl-C), with docker-logs and docker-stop
// finding its container from another "terminal", on each engine (Podman through the same door as Docker).
describe.each(testEngines())('janus:docker-run with docker-logs and docker-stop ($kind)', (engine) => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-run-'));
  const context = executorContext(ws, 'probe', 'apps/probe');
  let image = '';
  const held = `janus-test/docker-run-held-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  let hostPort = 0;

  beforeAll(async () => {
    useEngine(engine.target);
    await assertEngineRunning();
    image = await holdDemoAgentImage(held);
    hostPort = await freePort();
  });
  beforeEach(() => useEngine(engine.target));
  afterAll(async () => {
    useEngine(engine.target);
    await untagImages(held);
    for (const c of await projectContainers(ws, 'probe')) await containerEngine().containers.remove(c.id);
    rmSync(ws, { recursive: true, force: true });
  });

  function start() {
    const child = spawnExecutor(join(__dirname, 'executor.ts'), ws, { image, hostPort }, { ...process.env, JANUS_ENGINE: engine.kind });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { child, exited, output: () => output };
  }

  async function running(): Promise<string> {
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(250)) {
      const [c] = await projectContainers(ws, 'probe');
      if (c) {
        // Through the door: on Podman without systemd it is the door that runs the HEALTHCHECK.
        const info = await containerEngine().containers.inspect(c.id);
        if (info.State.Health?.Status === 'healthy') return c.id;
      }
    }
    throw new Error('docker-run never had a healthy container');
  }

  it('refuses invalid options, naming each field, the value and what is allowed, and starts nothing', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    try {
      const result = await dockerRun({ image, port: 0, envFrom: ['1BAD'], bogus: true } as never, context);
      expect(result.success).toBe(false);
    } finally {
      spy.mockRestore();
    }
    const text = errors.join('\n');
    expect(text).toContain("'port' = 0: must be an integer from 1 to 65535");
    expect(text).toContain(`'envFrom.0' = "1BAD": must be an environment variable name`);
    expect(text).toContain("unknown option(s) 'bogus'");
    expect(await projectContainers(ws, 'probe')).toEqual([]);
  });

  it('shows its logs to docker-logs and leaves no container behind on Ctrl-C (SIGINT, then the two SIGTERMs Nx sends)', async () => {
    const run = start();
    try {
      await running();
      const chunks: string[] = [];
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => chunks.push(String(c)) > 0);
      try {
        expect((await dockerLogs({ tail: 'all' }, context)).success).toBe(true);
      } finally {
        write.mockRestore();
      }
      expect(chunks.join('')).toMatch(/Uvicorn running|Application startup complete/);
      await ctrlCUnderNx(run.child);
      expect(await run.exited).toBe(0);
      expect(await projectContainers(ws, 'probe')).toEqual([]);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('ends successfully when docker-stop stops it from outside, and nothing is left', async () => {
    const run = start();
    try {
      await running();
      expect((await dockerStop({ timeoutSeconds: 5 }, context)).success).toBe(true);
      expect({ exit: await run.exited, output: run.output().slice(-600) }).toMatchObject({ exit: 0 });
      expect(await projectContainers(ws, 'probe')).toEqual([]);
      // Nothing to stop is not a failure, and docker-logs says where a container would come from.
      expect((await dockerStop({}, context)).success).toBe(true);
      const errors: string[] = [];
      const spy = jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
      try {
        expect((await dockerLogs({}, context)).success).toBe(false);
      } finally {
        spy.mockRestore();
      }
      expect(errors.join('\n')).toContain("no container of probe in this workspace; start one with 'nx run probe:docker-run'");
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
