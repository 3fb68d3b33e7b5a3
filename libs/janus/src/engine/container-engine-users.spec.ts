import { waitForServices } from '../compose/service-health';
import { WORKSPACE_LABEL, workspaceContainers, workspaceId } from '../compose/workspace-containers';
import { waitUntilHealthy } from '../contract/checks/health-status';
import { removeLabelledContainers, StartedContainer, startContainer } from './container-runner';
import { FakeContainerEngine } from '../../../janus-testing/src/fake-container-engine';

// What goes through the door, against an engine in memory behind the same interface.
describe('users of the ContainerEngine door, on a fake engine', () => {
  it("starts a container with the caller's labels and removes exactly those carrying a label", async () => {
    const engine = new FakeContainerEngine([{ id: 'other', name: 'other', labels: {}, running: true }]);
    const started = await startContainer('img', { containerPort: 8000, labels: { extra: '1' } }, engine);
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:4\d{4}$/);
    expect(engine.held.get(started.id)!.labels).toMatchObject({ extra: '1' });
    expect(await removeLabelledContainers(engine, 'extra')).toBe(1);
    expect([...engine.held.keys()]).toEqual(['other']);
  });

  it("finds the workspace's docker-run containers by its label, and nobody else's", async () => {
    const engine = new FakeContainerEngine([
      { id: 'a', name: 'a', labels: { [WORKSPACE_LABEL]: workspaceId('/ws'), 'org.janus.run': 'agent' }, running: false },
      { id: 'b', name: 'b', labels: { [WORKSPACE_LABEL]: 'someone-else' }, running: true },
    ]);
    expect(await workspaceContainers('/ws', engine)).toEqual([{ id: 'a', name: 'a', state: 'exited', origin: { kind: 'run', project: 'agent' } }]);
  });

  it('waits for the engine to call a container healthy, and reports unhealthy with its last check', async () => {
    const engine = new FakeContainerEngine([
      {
        id: 'h',
        name: 'h',
        labels: {},
        running: true,
        looks: [{ Health: { Status: 'starting' } }, { Health: { Status: 'starting' } }, { Health: { Status: 'healthy' } }],
      },
      { id: 'u', name: 'u', labels: {}, running: true, looks: [{ Health: { Status: 'unhealthy', Log: [{ ExitCode: 1, Output: 'curl: refused\n' }] } }] },
    ]);
    expect(await waitUntilHealthy(new StartedContainer('h', 0, 'img', engine), 5)).toMatchObject({ ok: true });
    expect(engine.calls.filter((c) => c === 'inspect h')).toHaveLength(3);
    expect(await waitUntilHealthy(new StartedContainer('u', 0, 'img', engine), 5)).toEqual({ ok: false, figure: 'unhealthy', detail: 'curl: refused' });
  });

  it('waits for compose services until all are ready, or stops at the first that exited', async () => {
    const engine = new FakeContainerEngine([
      { id: 's1', name: 'ws-api-1', labels: { 'com.docker.compose.service': 'api' }, running: true, looks: [{ Health: { Status: 'starting' } }, {}] },
      { id: 's2', name: 'ws-db-1', labels: { 'com.docker.compose.service': 'db' }, running: true },
    ]);
    expect((await waitForServices(['s1', 's2'], 5000, undefined, engine)).map((s) => `${s.service}:${s.status}`)).toEqual(['api:ready', 'db:ready']);
    engine.held.get('s2')!.running = false;
    engine.held.get('s2')!.exitCode = 3;
    const states = await waitForServices(['s1', 's2'], 5000, undefined, engine);
    expect(states[1]).toMatchObject({ service: 'db', status: 'exited', detail: 'exited with code 3' });
  });
});
