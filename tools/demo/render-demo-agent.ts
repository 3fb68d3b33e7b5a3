// Re-renders apps/demo-agent from the templates, as `nx g janus:baseline` would with its recorded options
// (apps/demo-agent/janus.json), leaving project.json to Nx:
//   node -r @swc-node/register tools/demo/render-demo-agent.ts
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEMO_AGENT_DIR, demoAgentDrift, renderDemoAgent } from './demo-agent-render';
import { REPO_ROOT } from '../repo-root';

async function main() {
  const rendered = await renderDemoAgent();
  const drift = demoAgentDrift(rendered);
  for (const [path, content] of rendered) {
    mkdirSync(dirname(join(REPO_ROOT, DEMO_AGENT_DIR, path)), { recursive: true });
    writeFileSync(join(REPO_ROOT, DEMO_AGENT_DIR, path), content);
  }
  for (const line of drift) {
    if (line.endsWith('not rendered by the generator any more')) rmSync(join(REPO_ROOT, line.slice(0, line.indexOf(':'))));
  }
  console.log(drift.length ? `re-rendered:\n${drift.map((l) => `  ${l}`).join('\n')}` : `${DEMO_AGENT_DIR} was already current`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
