import { callerLabels } from './caller-labels';
import { startContainer } from './container-runner';
import { FakeContainerEngine } from '../../../janus-testing/src/fake-container-engine';

describe('callerLabels (JANUS_CONTAINER_LABELS)', () => {
  it('is empty unless the caller asks', () => {
    expect(callerLabels({})).toEqual({});
    expect(callerLabels({ JANUS_CONTAINER_LABELS: ' ' })).toEqual({});
  });

  it('reads key=value pairs, a bare key as an empty label', () => {
    expect(callerLabels({ JANUS_CONTAINER_LABELS: 'org.example.ci=job-7, org.example.keep' })).toEqual({ 'org.example.ci': 'job-7', 'org.example.keep': '' });
  });

  it('names the pair without a label name', () => {
    expect(() => callerLabels({ JANUS_CONTAINER_LABELS: 'a=1,=2' })).toThrow(
      'JANUS_CONTAINER_LABELS="a=1,=2": "=2" has no label name; expected key=value[,key=value]',
    );
  });
});

describe('startContainer labels', () => {
  // The engine in memory behind the ContainerEngine door records what each container was created with.
  const labelsOf = (engine: FakeContainerEngine) => [...engine.held.values()][0].labels;
  const saved = process.env.JANUS_CONTAINER_LABELS;
  afterEach(() => {
    if (saved === undefined) delete process.env.JANUS_CONTAINER_LABELS;
    else process.env.JANUS_CONTAINER_LABELS = saved;
  });

  it('puts only the labels its caller passes: no test label on a user container', async () => {
    delete process.env.JANUS_CONTAINER_LABELS;
    const engine = new FakeContainerEngine();
    await startContainer('img', { labels: { 'org.janus.run': 'app' } }, engine);
    expect(labelsOf(engine)).toEqual({ 'org.janus.run': 'app' });
  });

  it('adds the labels JANUS_CONTAINER_LABELS asks for', async () => {
    process.env.JANUS_CONTAINER_LABELS = 'org.janus.test=true,org.janus.test.run=r1';
    const engine = new FakeContainerEngine();
    await startContainer('img', { labels: { 'org.janus.run': 'app' } }, engine);
    expect(labelsOf(engine)).toEqual({ 'org.janus.test': 'true', 'org.janus.test.run': 'r1', 'org.janus.run': 'app' });
  });
});
