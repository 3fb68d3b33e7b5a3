import { logger } from '@nx/devkit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { composeProjectName } from '../../compose/compose-cli';
import { workspaceContainers } from '../../compose/workspace-containers';
import { assertEngineRunning, containerEngine, useEngine } from '../../engine/docker-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { testEngines } from '../../../../janus-testing/src/test-engines';
import { testLabels } from '../../../../janus-testing/src/test-labels';
import { holdDemoAgentImage, untagImages } from '../../../../janus-testing/src/test-images';
import composeDown from '../compose-down/executor';
import composeUp from './executor';

// compose-up and compose-down on each engine with a ready-made image (the nx-driven build is compose.int.spec's
// business): compose must reach the chosen engine, and a dependency's `service_healthy` must come true on Podman,
// whose HEALTHCHECKs nothing runs without systemd unless the door does.
describe.each(testEngines())('compose-up and compose-down on the real engine ($kind)', (engine) => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-compose-engine-'));
  const held = `janus-test/compose-engine-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  const context = executorContext(ws, 'scratch', '.');
  const errors: string[] = [];

  beforeAll(async () => {
    useEngine(engine.target);
    await assertEngineRunning();
    await holdDemoAgentImage(held);
    const service = (more: object = {}) => ({
      image: `${held}:held`,
      ports: ['127.0.0.1::8080'],
      labels: testLabels(),
      // A slow check on a busy machine is not a failure here: only that health comes true through each engine.
      healthcheck: { interval: '1s', timeout: '30s', start_period: '60s' },
      ...more,
    });
    writeFileSync(
      join(ws, 'docker-compose.yml'),
      stringify({ services: { 'demo-agent': service(), follower: service({ depends_on: { 'demo-agent': { condition: 'service_healthy' } } }) } }),
    );
  });
  beforeEach(() => {
    useEngine(engine.target);
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    useEngine(engine.target);
    await composeDown({}, context).catch(() => undefined);
    for (const c of await workspaceContainers(ws)) await containerEngine().containers.remove(c.id);
    await untagImages(held);
    rmSync(ws, { recursive: true, force: true });
  });

  it('starts the services healthy in dependency order on this engine, and compose-down leaves nothing', async () => {
    const up = await composeUp({ timeoutSeconds: 90 }, context);
    expect({ success: up.success, errors }).toEqual({ success: true, errors: [] });
    const running = (await workspaceContainers(ws)).filter((c) => c.origin.kind === 'compose');
    expect(running.map((c) => c.origin.kind === 'compose' && c.origin.service).sort()).toEqual(['demo-agent', 'follower']);
    for (const c of running) expect((await containerEngine().containers.inspect(c.id)).State.Health?.Status).toBe('healthy');

    const down = await composeDown({}, context);
    expect({ success: down.success, errors }).toEqual({ success: true, errors: [] });
    expect(await workspaceContainers(ws)).toEqual([]);
    const project = composeProjectName(ws.split('/').pop()!);
    expect(await containerEngine().containers.list({ labels: [`com.docker.compose.project=${project}`] })).toEqual([]);
  });
});
