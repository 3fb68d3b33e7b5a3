import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkedInDrift, renderCheckedInBaseline } from '../demo/demo-agent-render';
import { contextFilesRead } from '../../libs/janus/src/plugin/context-files';
import { dockerfileSources } from '../../libs/janus/src/plugin/dockerfile-sources';
import { REPO_ROOT } from '../repo-root';

// The checked-in baselines must be what `nx g janus:baseline` renders today from their janus.json, plus only
// the local edits their owners made on purpose: a template change that is not carried into them fails here
// (managed regions are also held by `nx sync:check`; the Python sources, README and pyproject only by this).
describe('apps/baseline-*: generated, with their own edits only', () => {
  it('apps/baseline-langchain is exactly what the generator renders', async () => {
    const dir = 'apps/baseline-langchain';
    expect(checkedInDrift(dir, await renderCheckedInBaseline(dir))).toEqual([]);
  });

  it("apps/baseline-agent-cli adds its agent-pack and the Dockerfile's COPY of it, outside the managed regions", async () => {
    const dir = 'apps/baseline-agent-cli';
    const rendered = await renderCheckedInBaseline(dir);
    expect(checkedInDrift(dir, rendered)).toEqual([
      `${dir}/Dockerfile: differs from what the generator renders`,
      `${dir}/agent-pack/README.md: not rendered by the generator any more`,
      `${dir}/agent-pack/environment.md: not rendered by the generator any more`,
      `${dir}/agent-pack/tools.md: not rendered by the generator any more`,
    ]);
    const dockerfile = readFileSync(join(REPO_ROOT, dir, 'Dockerfile'), 'utf8');
    const local = /\n(# The agent CLI's reference docs[^\n]*\n# [^\n]*\nCOPY agent-pack \/agent-pack\n)CMD /.exec(dockerfile);
    expect(local).not.toBeNull();
    // Without its own block, the Dockerfile is the rendered one, byte for byte.
    expect(dockerfile.replace(local![1], '')).toBe(rendered.get('Dockerfile'));
    expect(dockerfile.indexOf(local![1])).toBeGreaterThan(dockerfile.indexOf('# janus:end python-runtime-stage'));
  });

  it("baseline-agent-cli's docker-build inputs, as inference reads its COPY lines, hold the agent-pack but not the README", () => {
    const dir = join(REPO_ROOT, 'apps/baseline-agent-cli');
    const sources = dockerfileSources(readFileSync(join(dir, 'Dockerfile'), 'utf8'));
    const { files, problems } = contextFilesRead(dir, sources.contextSources, sources.unresolved, join(dir, '.dockerignore'));
    expect(problems).toEqual([]);
    expect(files.filter((f) => f.startsWith('agent-pack/'))).toEqual(['agent-pack/README.md', 'agent-pack/environment.md', 'agent-pack/tools.md']);
    expect(files).not.toContain('README.md');
  });
});
