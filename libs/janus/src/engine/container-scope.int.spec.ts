import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '../../../janus-testing/src/build-test-image';
import { removeImages } from '../../../janus-testing/src/test-images';
import { testContainerFilter, testLabels } from '../../../janus-testing/src/test-labels';
import { ContainerScope, SCOPE_LABEL, ScopeClosedError } from './container-runner';
import { assertEngineRunning, containerEngine, describeFailure, dockerClient } from './docker-client';
import { DockerEngine } from './docker-engine';

/** A socket in front of the real engine that the test can take away, as a dockerd that stops mid-run does. */
async function engineProxy(socketPath: string): Promise<{ stop(): Promise<void> }> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect('/var/run/docker.sock');
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => (client.destroy(), upstream.destroy());
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// Ctrl-C and an engine that goes away, at the level where containers are started and removed.
describe('a container scope', () => {
  const image = `janus-test/scope-sleeper:${randomBytes(3).toString('hex')}`;
  const docker = dockerClient();
  const scopeContainers = (scope: ContainerScope) => docker.listContainers({ all: true, filters: { label: [`${SCOPE_LABEL}=${scope.id}`] } });

  beforeAll(async () => {
    await assertEngineRunning();
    await buildImage({ context: join(__dirname, '../../../janus-testing/src/fixtures/contract/sleeper'), tags: [image] });
  });
  afterAll(() => removeImages(image));

  it('removes a container whose creation was in flight when it closed, before close returns, and refuses that start', async () => {
    const scope = new ContainerScope();
    const starting = scope.start(image, {});
    starting.catch(() => undefined);
    // Closing while the create request is on its way, as a Ctrl-C handler does just before process.exit.
    await scope.close();
    expect(await scopeContainers(scope)).toEqual([]);
    await expect(starting).rejects.toBeInstanceOf(ScopeClosedError);
    await expect(scope.start(image, {})).rejects.toBeInstanceOf(ScopeClosedError);
  });

  it('carries the labels the test run asks for (JANUS_CONTAINER_LABELS), by which the teardown finds leftovers', async () => {
    const scope = new ContainerScope();
    try {
      const started = await scope.start(image, {});
      const labels = (await docker.getContainer(started.id).inspect()).Config.Labels;
      expect(labels).toMatchObject(testLabels());
      expect(await docker.listContainers({ all: true, filters: { label: testContainerFilter() } })).toEqual(
        expect.arrayContaining([expect.objectContaining({ Id: started.id })]),
      );
    } finally {
      await scope.close();
    }
  });

  it('names an engine that went away, with the containers it could not remove and how to remove them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'janus-scope-'));
    const proxy = await engineProxy(join(dir, 'engine.sock'));
    const scope = new ContainerScope();
    try {
      // The engine is one constructor argument: here, a socket that the test takes away.
      const viaProxy = new DockerEngine(join(dir, 'engine.sock'));
      const started = await scope.start(image, {}, viaProxy);
      await proxy.stop();
      const failure = await scope.close(viaProxy).then(
        () => undefined,
        (e: unknown) => describeFailure(e),
      );
      expect(failure).toMatch(/the Docker engine at .* is not reachable while removing this run's containers/);
      expect(failure).toContain(started.id.slice(0, 12));
      expect(failure).toContain(`docker ps -aq --filter label=${SCOPE_LABEL}=${scope.id}`);
      expect(failure).not.toMatch(/^connect E/);
      // It really was left behind (the engine itself never went away here), so naming it was needed.
      expect((await scopeContainers(scope)).map((c) => c.Id)).toEqual([started.id]);
    } finally {
      await proxy.stop().catch(() => undefined);
      await scope.close(containerEngine());
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
