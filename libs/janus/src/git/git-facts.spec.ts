import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../process/run-command';
import { DOCKER_BUILD_FACT_INPUTS, dockerBuildFactInputs } from '../targets/janus-targets';
import { initGitRepo } from '../../../janus-testing/src/git-repo';
import { forgetGitFacts, readGitFacts, treeDirty } from './git-facts';

// Real git in a temp repository: what the build calls dirty, and what its task hash sees of it.
describe('a dirty build', () => {
  let repo: string;
  const runtime = DOCKER_BUILD_FACT_INPUTS.find((i): i is { runtime: string } => 'runtime' in i)!.runtime;
  const facts = () => {
    forgetGitFacts();
    return readGitFacts(repo, 'main', {});
  };
  const hashedFacts = async () => (await runCommand('sh', ['-c', runtime], { cwd: repo })).stdout;

  beforeEach(async () => {
    repo = mkdtempSync(join(tmpdir(), 'janus-dirty-'));
    mkdirSync(join(repo, 'apps/agent'), { recursive: true });
    for (const f of ['README.md', 'apps/agent/app.py', 'apps/agent/Dockerfile']) writeFileSync(join(repo, f), 'original\n');
    await initGitRepo(repo);
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it("is one whose build's own tracked files differ from HEAD, and its runtime input says exactly that", async () => {
    const paths = ['apps/agent', 'apps/agent/Dockerfile'];
    const projectRuntime = dockerBuildFactInputs(paths).find((i): i is { runtime: string } => 'runtime' in i)!.runtime;
    const hashedForProject = async () => (await runCommand('sh', ['-c', projectRuntime], { cwd: repo })).stdout;
    const clean = { dirty: await treeDirty(repo, paths), hashed: await hashedForProject(), anyTarget: await hashedFacts() };
    expect(clean.dirty).toBe(false);
    // Untracked files do not count.
    writeFileSync(join(repo, 'apps/agent/notes.txt'), 'untracked\n');
    expect({ dirty: await treeDirty(repo, paths), hashed: await hashedForProject(), anyTarget: await hashedFacts() }).toEqual(clean);
    // An edit elsewhere leaves this build clean (and its hash), though a target without its paths hashes it.
    writeFileSync(join(repo, 'README.md'), 'edited\n');
    expect(await treeDirty(repo, paths)).toBe(false);
    expect(await hashedForProject()).toBe(clean.hashed);
    expect(await hashedFacts()).not.toBe(clean.anyTarget);
    // An edit to what the image is made of, staged or not, is dirty, and the hash says so.
    writeFileSync(join(repo, 'apps/agent/app.py'), 'print(2)\n');
    expect(await treeDirty(repo, paths)).toBe(true);
    expect(await hashedForProject()).toBe(`${clean.hashed}dirty\n`);
    await runCommand('git', ['add', 'apps/agent/app.py'], { cwd: repo });
    expect(await treeDirty(repo, paths)).toBe(true);
  });

  it('hashes an ssh and an https clone of one repository alike, and another repository apart', async () => {
    const withRemote = async (url: string) => {
      await runCommand('git', ['remote', 'remove', 'origin'], { cwd: repo }).catch(() => undefined);
      await runCommand('git', ['remote', 'add', 'origin', url], { cwd: repo });
      return { hashed: await hashedFacts(), label: (await facts()).remoteUrl };
    };
    const ssh = await withRemote('git@github.com:acme/agents.git');
    const https = await withRemote('https://github.com/acme/agents');
    expect(https).toEqual(ssh);
    expect(ssh.label).toBe('https://github.com/acme/agents');
    expect((await withRemote('git@github.com:acme/other.git')).hashed).not.toBe(ssh.hashed);
  });
});
