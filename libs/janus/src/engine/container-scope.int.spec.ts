import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '../../../janus-testing/src/build-test-image';
import { removeImages } from '../../../janus-testing/src/test-images';
import { ContainerScope, SCOPE_LABEL, ScopeClosedError } from './container-runner';
import { assertEngineRunning, describeFailure, dockerClient } from './docker-client';

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

  it('names an engine that went away, with the containers it could not remove and how to remove them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'janus-scope-'));
    const proxy = await engineProxy(join(dir, 'engine.sock'));
    const scope = new ContainerScope();
    try {
      const viaProxy = new Docker({ socketPath: join(dir, 'engine.sock') });
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
      await scope.close(docker);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
