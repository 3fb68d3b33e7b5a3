import { removeImages } from '../../../janus-testing/src/test-images';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stripVTControlCharacters } from 'node:util';
import type { BuildRecord } from '../image/build-record';
import { runCommand } from '../process/run-command';
import { initGitRepo } from '../../../janus-testing/src/git-repo';
import { TempWorkspace } from '../../../janus-testing/src/temp-workspace';
import { janusTargets } from './janus-targets';
import { nxCliEnv } from '../../../janus-testing/src/nx-cli-env';

const FIXTURE = join(__dirname, '../../../janus-testing/src/fixtures/build-probe');

// The real nx CLI with its cache: every fact that changes tags or labels must make docker-build run again,
// or a cache hit replays the tags of another commit or branch.
describe('docker-build cache inputs', () => {
  const ws = new TempWorkspace('janus-inputs-');
  const image = `janus-test/inputs-${randomBytes(3).toString('hex')}`;
  const git = (args: string[]) => runCommand('git', ['-c', 'user.name=t', '-c', 'user.email=t@janus.invalid', ...args], { cwd: ws.root });
  const record = () => JSON.parse(readFileSync(ws.path('dist/docker/probe/metadata.json'), 'utf8')) as BuildRecord;

  async function build(env: Record<string, string> = {}): Promise<{ cached: boolean; tags: string[] }> {
    const result = await runCommand(
      join(ws.root, 'node_modules/.bin/nx'),
      ['run', 'probe:docker-build', '--exclude-task-dependencies', '--output-style=stream'],
      {
        cwd: ws.root,
        env: nxCliEnv(env),
      },
    );
    const out = stripVTControlCharacters(result.stdout);
    return { cached: /existing outputs match the cache|local cache/.test(out), tags: record().tags };
  }

  beforeAll(async () => {
    mkdirSync(ws.path('apps'), { recursive: true });
    cpSync(FIXTURE, ws.path('apps/probe'), { recursive: true });
    writeFileSync(ws.path('secret.txt'), 'x-secret-x');
    const targets = janusTargets({ port: 8080 });
    // The probe is no server (no HEALTHCHECK): this spec is about cache inputs, not lint findings.
    targets['docker-build'].options = { platforms: 'linux/amd64', registry: '', image, secrets: ['id=probe-secret,src=secret.txt'], lint: false };
    writeFileSync(ws.path('apps/probe/project.json'), JSON.stringify({ name: 'probe', root: 'apps/probe', targets }, null, 2));
    writeFileSync(ws.path('.gitignore'), 'node_modules\ndist\n.nx\nsecret.txt\n');
    await initGitRepo(ws.root);
  });
  afterAll(async () => {
    await removeImages(image);
    ws.dispose();
  });

  it('runs again for a new commit, a branch and a CI-stated fact, and replays only when nothing changed', async () => {
    const first = await build();
    expect(first.cached).toBe(false);
    expect((await build()).cached).toBe(true);

    // A commit that touches nothing the project reads still changes sha-<7>, the revision label and the created time.
    writeFileSync(ws.path('NOTES.md'), 'unrelated\n');
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', 'unrelated']);
    const afterCommit = await build();
    expect(afterCommit.cached).toBe(false);
    expect(afterCommit.tags).not.toEqual(first.tags);

    await git(['checkout', '-q', '-b', 'feature/x']);
    const onBranch = await build();
    expect(onBranch.cached).toBe(false);
    expect(onBranch.tags).toContain('feature-x');

    const facts: Array<Record<string, string>> = [{ JANUS_GIT_BRANCH: 'release' }, { JANUS_DEFAULT_BRANCH: 'feature/x' }, { GITHUB_REF: 'refs/pull/7/merge' }];
    for (const env of facts) {
      const r = await build(env);
      expect(r.cached).toBe(false);
    }
  });
});
