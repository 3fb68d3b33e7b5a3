import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'yaml';
import { deriveTags } from '../../executors/docker-build/lib/tag-rules';
import { gitFactsFromEnv } from '../../git/git-facts';
import { janusTargets } from '../../targets/janus-targets';
import { ciGenerator } from './generator';
import { REPO_ROOT } from '../../../../../tools/repo-root';

interface Job {
  if: string;
  permissions: Record<string, string>;
  env?: Record<string, string>;
  steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown>; 'timeout-minutes'?: number }>;
}
interface Workflow {
  on: { push: { branches: string[]; tags: string[] }; pull_request: { branches: string[] } };
  env: Record<string, string>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const FILE = '.github/workflows/containers.yml';

async function generated(options: Parameters<typeof ciGenerator>[1] = {}): Promise<Workflow> {
  const tree = createTreeWithEmptyWorkspace();
  await ciGenerator(tree, { skipFormat: true, ...options });
  return parse(tree.read(options.workflowFile ?? FILE, 'utf8')!) as Workflow;
}

const runs = (job: Job) => job.steps.map((s) => s.run).filter((r): r is string => Boolean(r));

describe('janus:ci', () => {
  it('triggers on pushes to the default branch, v* tags and pull requests', async () => {
    const wf = await generated();
    expect(wf.on).toEqual({ push: { branches: ['main'], tags: ['v*'] }, pull_request: { branches: ['main'] } });
    expect(Object.keys(wf.jobs)).toEqual(['pull-request', 'default-branch', 'release']);
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('gives pull requests no write token, no registry credentials and no push', async () => {
    const pr = (await generated()).jobs['pull-request'];
    expect(pr.if).toBe("github.event_name == 'pull_request'");
    expect(pr.permissions).not.toHaveProperty('packages');
    expect(Object.values(pr.permissions)).not.toContain('write');
    expect(pr.env).toEqual({ NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: '${{ secrets.NX_CACHE_READ_ONLY_TOKEN }}' });
    expect(JSON.stringify(pr)).not.toMatch(/READ_WRITE|JANUS_REGISTRY_PASSWORD|docker-push/);
    expect(runs(pr).at(-1)).toBe('npx nx affected -t docker-build contract-test -c ci');
  });

  it('builds, proves and pushes on the default branch (affected) and on v* tags (every project), sync check first', async () => {
    const { jobs } = await generated({ defaultBranch: 'trunk' });
    expect(jobs['default-branch'].if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/trunk'");
    expect(jobs.release.if).toBe("github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')");
    expect(runs(jobs['default-branch']).at(-1)).toBe('npx nx affected -t docker-build contract-test docker-push -c ci');
    expect(runs(jobs.release).at(-1)).toBe('npx nx run-many -t docker-build contract-test docker-push -c ci');
    for (const job of Object.values(jobs)) {
      const commands = runs(job);
      expect(commands.indexOf('npx nx sync:check')).toBe(commands.length - 2);
      expect(job.steps.find((s) => s.uses === 'actions/checkout@v4')?.with).toEqual({ 'fetch-depth': 0 });
    }
    expect(jobs.release.env?.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).toBe('${{ secrets.NX_CACHE_READ_WRITE_TOKEN }}');
    expect(jobs.release.permissions.packages).toBe('write');
  });

  it("states the facts docker-build's tag rules read, so each trigger gets its tags", async () => {
    const wf = await generated();
    const sha = '0123456789abcdef0123456789abcdef01234567';
    // What GitHub sets per trigger, plus the workflow's own env.
    const tagsFor = (ref: string) =>
      deriveTags({ sha: '', defaultBranch: 'x', ...gitFactsFromEnv({ ...wf.env, GITHUB_REF: ref, GITHUB_SHA: sha }) }).map((t) => t.tag);
    expect(tagsFor('refs/heads/main')).toEqual(['main', 'latest', 'sha-0123456']);
    expect(tagsFor('refs/pull/42/merge')).toEqual(['pr-42', 'sha-0123456']);
    expect(tagsFor('refs/tags/v1.2.3')).toEqual(['1.2.3', '1.2', '1', 'latest', 'sha-0123456']);
    // `-c ci` exists on every target the workflow runs.
    const targets = janusTargets({ port: 8080 });
    for (const t of ['docker-build', 'contract-test', 'docker-push']) expect(targets[t].configurations).toHaveProperty('ci');
  });

  it('leaves out the remote cache when asked, and runs a setup command before Nx', async () => {
    const wf = await generated({ remoteCache: false, setupCommand: 'npm run bootstrap' });
    expect(JSON.stringify(wf)).not.toMatch(/REMOTE_CACHE/);
    const commands = runs(wf.jobs['pull-request']);
    expect(commands.indexOf('npm run bootstrap')).toBe(commands.indexOf('npm ci') + 1);
  });

  it("bounds the Nx step, because Nx's remote-cache client waits on a silent server without a deadline", async () => {
    for (const [options, minutes] of [
      [{}, 90],
      [{ nxTimeoutMinutes: 30 }, 30],
    ] as const) {
      const wf = await generated(options);
      for (const job of Object.values(wf.jobs)) {
        const nx = job.steps.filter((s) => s.run?.startsWith('npx nx ') && s.run !== 'npx nx sync:check');
        expect(nx).toHaveLength(1);
        expect(nx[0]['timeout-minutes']).toBe(minutes);
      }
    }
  });

  it('writes nothing on bad input, naming the option, the value and what is allowed', async () => {
    for (const [options, message] of [
      [{ workflowFile: '../evil.yml' }, /'workflowFile' = "\.\.\/evil\.yml".*\.github\/workflows/],
      [{ defaultBranch: 'a b' }, /'defaultBranch' = "a b".*branch name/],
      [{ setupCommand: 'echo 1\nrm -rf /' }, /'setupCommand'.*one line/],
      [{ nodeVersion: 'latest' }, /'nodeVersion' = "latest"/],
      [{ nxTimeoutMinutes: 0 }, /'nxTimeoutMinutes' = 0: must be at least 1 minute/],
    ] as const) {
      const tree = createTreeWithEmptyWorkspace();
      const before = tree.listChanges().length;
      await expect(ciGenerator(tree, options as never)).rejects.toThrow(message);
      expect(tree.listChanges()).toHaveLength(before);
    }
  });

  it('never replaces a different workflow of the same name, and is a no-op on its own output', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write(FILE, 'name: mine\n');
    await expect(ciGenerator(tree, { skipFormat: true })).rejects.toThrow(/'workflowFile' = ".*containers\.yml": the file exists/);
    expect(tree.read(FILE, 'utf8')).toBe('name: mine\n');
    const fresh = createTreeWithEmptyWorkspace();
    await ciGenerator(fresh, {});
    await expect(ciGenerator(fresh, {})).resolves.toBeDefined();
  });

  it("is this repository's own workflow (which starts the engine and registry with npm run bootstrap)", async () => {
    const checkedIn = parse(readFileSync(join(REPO_ROOT, FILE), 'utf8')) as unknown;
    expect(checkedIn).toEqual(await generated({ setupCommand: 'npm run bootstrap' }));
  });
});
