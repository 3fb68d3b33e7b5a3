import { demoAgentDrift, renderDemoAgent } from './demo-agent-render';

// The demo must show what `nx g janus:baseline` produces today, not what it produced when it was checked in.
describe('apps/demo-agent', () => {
  it('is what the generator renders today from its janus.json (re-render: node -r @swc-node/register tools/demo/render-demo-agent.ts)', async () => {
    expect(demoAgentDrift(await renderDemoAgent())).toEqual([]);
  });
});
