import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../process/run-command';
import { DOCKER_BUILD_FACT_INPUTS } from '../targets/janus-targets';
import { initGitRepo } from '../testing/git-repo';
import { forgetGitFacts, readGitFacts } from './git-facts';

// Real git in a temp repository: what the build calls dirty, and what its task hash sees of it.
describe('a dirty tree', () => {
  let repo: string;
  const runtime = DOCKER_BUILD_FACT_INPUTS.find((i): i is { runtime: string } => 'runtime' in i)!.runtime;
  const facts = () => {
    forgetGitFacts();
    return readGitFacts(repo, 'main', {});
  };
  const hashedFacts = async () => (await runCommand('sh', ['-c', runtime], { cwd: repo })).stdout;

  beforeEach(async () => {
    repo = mkdtempSync(join(tmpdir(), 'janus-dirty-'));
    writeFileSync(join(repo, 'app.py'), 'print(1)\n');
    await initGitRepo(repo);
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('is one whose tracked files differ from HEAD, and the runtime input says so', async () => {
    expect((await facts()).dirty).toBeUndefined();
    const clean = await hashedFacts();
    writeFileSync(join(repo, 'notes.txt'), 'untracked does not count\n');
    expect((await facts()).dirty).toBeUndefined();
    expect(await hashedFacts()).toBe(clean);
    writeFileSync(join(repo, 'app.py'), 'print(2)\n');
    expect((await facts()).dirty).toBe(true);
    expect(await hashedFacts()).toBe(`${clean}dirty\n`);
    await runCommand('git', ['add', 'app.py'], { cwd: repo });
    expect((await facts()).dirty).toBe(true);
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
