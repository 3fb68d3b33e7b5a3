import type { ExecutorContext } from '@nx/devkit';
import { WORKSPACE_LABEL, workspaceId } from '../../compose/workspace-containers';
import { FakeContainerEngine } from '../../../../janus-testing/src/fake-container-engine';

const engine = new FakeContainerEngine();
jest.mock('../../engine/docker-client', () => ({ ...jest.requireActual('../../engine/docker-client'), containerEngine: () => engine }));

import dockerStopExecutor from './executor';

describe('docker-stop, through the engine door', () => {
  it("stops and removes the project's containers in this workspace, and nothing else", async () => {
    const ws = workspaceId('/ws');
    engine.held.set('mine', { id: 'mine', name: 'agent-run', labels: { [WORKSPACE_LABEL]: ws, 'org.janus.run': 'agent' }, running: true });
    engine.held.set('sibling', { id: 'sibling', name: 'tool-run', labels: { [WORKSPACE_LABEL]: ws, 'org.janus.run': 'tool' }, running: true });
    engine.held.set('elsewhere', { id: 'elsewhere', name: 'agent-run', labels: { [WORKSPACE_LABEL]: 'other', 'org.janus.run': 'agent' }, running: true });
    const context = { root: '/ws', projectName: 'agent' } as ExecutorContext;
    expect(await dockerStopExecutor({ timeoutSeconds: 3 }, context)).toEqual({ success: true });
    expect(engine.calls.filter((c) => /^(stop|remove) /.test(c))).toEqual(['stop mine', 'remove mine']);
    expect([...engine.held.keys()].sort()).toEqual(['elsewhere', 'sibling']);
  });
});
