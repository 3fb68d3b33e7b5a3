import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { type CommandResult, CommandError, runCommand } from '../../process/run-command';
import { initGitRepo } from '../../../../janus-testing/src/git-repo';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { TempWorkspace } from '../../../../janus-testing/src/temp-workspace';
import { REPO_ROOT } from '../../../../../tools/repo-root';
import { nxCliEnv } from '../../../../janus-testing/src/nx-cli-env';

// A template maintainer's day on the real nx CLI: a convention changes in one partial, CI's `nx sync:check`
// refuses the drift naming each Dockerfile, `nx sync` carries the change into exactly the regions it belongs
// to, owners' lines and edited regions survive, and the re-rendered projects still lint and pass the contract.
describe('nx sync with janus:sync on a real workspace', () => {
  const ws = new TempWorkspace('janus-sync-');
  const image = `janus-test/sync-${randomBytes(3).toString('hex')}`;
  const env = nxCliEnv({ JANUS_TEMPLATES_DIR: ws.path('templates') });
  /** The command's result whether it passed or failed, output without colours. */
  const nx = async (args: string[]): Promise<CommandResult & { output: string }> => {
    const result = await runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), args, { cwd: ws.root, env }).catch((e: unknown) => {
      if (e instanceof CommandError) return e.result;
      throw e;
    });
    return { ...result, output: stripVTControlCharacters(result.stdout + result.stderr) };
  };
  const git = (args: string[]) => runCommand('git', ['-c', 'user.name=t', '-c', 'user.email=t@janus.invalid', ...args], { cwd: ws.root });
  const read = (path: string) => readFileSync(ws.path(path), 'utf8');
  const OWNER_LINES = '# Owned by the team: keep this label.\nLABEL org.example.team="agents"\n';

  beforeAll(async () => {
    cpSync(join(REPO_ROOT, 'templates'), ws.path('templates'), { recursive: true });
    writeFileSync(ws.path('nx.json'), JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64' } }] }, null, 2));
    writeFileSync(ws.path('.gitignore'), 'node_modules\ndist\n.nx\n');
    for (const name of ['agent-a', 'agent-b', 'agent-c']) await nx(['g', 'janus:baseline', name, '--no-interactive']);
    // agent-a: an owner's lines outside every region; agent-b: an owner's edit inside the healthcheck region.
    const a = read('apps/agent-a/Dockerfile');
    writeFileSync(ws.path('apps/agent-a/Dockerfile'), a.replace('CMD ["python", "-m", "app"]', `${OWNER_LINES}CMD ["python", "-m", "app"]`));
    const b = read('apps/agent-b/Dockerfile');
    writeFileSync(ws.path('apps/agent-b/Dockerfile'), b.replace('--start-period=10s', '--start-period=20s'));
    // agent-a is built and contract-tested under a name this run owns.
    const project = JSON.parse(read('apps/agent-a/project.json'));
    project.targets = { 'docker-build': { options: { image, registry: '' } } };
    writeFileSync(ws.path('apps/agent-a/project.json'), JSON.stringify(project, null, 2));
    await initGitRepo(ws.root);
  });
  afterAll(async () => {
    await removeImages(image);
    ws.dispose();
  });

  it('registers janus:sync: globally, and on the inferred docker-build and dockerfile-lint', async () => {
    expect(JSON.parse(read('nx.json')).sync).toEqual({ globalGenerators: ['janus:sync'] });
    const shown = JSON.parse((await nx(['show', 'project', 'agent-a', '--json'])).stdout) as { targets: Record<string, { syncGenerators?: string[] }> };
    expect(shown.targets['docker-build'].syncGenerators).toEqual(['janus:sync']);
    expect(shown.targets['dockerfile-lint'].syncGenerators).toEqual(['janus:sync']);
    expect((await nx(['sync:check'])).code).toBe(0);
  });

  it('a changed healthcheck partial: sync:check fails naming each Dockerfile, sync updates exactly those regions', async () => {
    const partial = ws.path('templates/partials/healthcheck.hbs');
    writeFileSync(partial, readFileSync(partial, 'utf8').replace('--retries={{healthcheck.retries}}', '--retries=4'));
    const before = { a: read('apps/agent-a/Dockerfile'), b: read('apps/agent-b/Dockerfile') };

    const check = await nx(['sync:check']);
    expect(check.code).not.toBe(0);
    expect(check.output).toContain('apps/agent-a/Dockerfile: healthcheck (+1 -1)');
    expect(check.output).toContain('apps/agent-c/Dockerfile: healthcheck (+1 -1)');
    expect(check.output).toMatch(/kept \(edited in the project\): apps\/agent-b\/Dockerfile:\d+: healthcheck/);
    // A check writes nothing.
    expect((await git(['status', '--porcelain', 'apps'])).stdout).toBe('');

    const sync = await nx(['sync']);
    expect(sync.code).toBe(0);
    // Exactly the two untouched healthcheck regions changed: per file one marker line and one instruction line.
    const diff = (await git(['diff', '--numstat', 'apps'])).stdout.trim().split('\n').sort();
    expect(diff).toEqual(['2\t2\tapps/agent-a/Dockerfile', '2\t2\tapps/agent-c/Dockerfile']);
    const changedLines = (await git(['diff', '-U0', 'apps/agent-a/Dockerfile'])).stdout.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changedLines).toHaveLength(4);
    expect(changedLines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^-# janus:begin healthcheck [0-9a-f]{12}$/),
        expect.stringMatching(/^-HEALTHCHECK .*--retries=3 \\$/),
        expect.stringMatching(/^\+# janus:begin healthcheck [0-9a-f]{12}$/),
        expect.stringMatching(/^\+HEALTHCHECK .*--retries=4 \\$/),
      ]),
    );
    // What sync says per project: the partials it updated, and the kept region with its diff.
    expect(sync.output).toContain('updated apps/agent-a/Dockerfile: healthcheck (+1 -1)');
    expect(sync.output).toMatch(/kept apps\/agent-b\/Dockerfile:\d+: healthcheck: edited in the project/);
    expect(sync.output).toMatch(/- HEALTHCHECK .*--start-period=20s --retries=3[^\n]*\n.*\+ HEALTHCHECK .*--start-period=10s --retries=4/);
    expect(read('apps/agent-a/Dockerfile')).toContain(OWNER_LINES);
    expect(
      read('apps/agent-a/Dockerfile')
        .replace('--retries=4', '--retries=3')
        .replace(/healthcheck [0-9a-f]{12}/, ''),
    ).toBe(before.a.replace(/healthcheck [0-9a-f]{12}/, ''));
    // The owner's edited region is kept as it was.
    expect(read('apps/agent-b/Dockerfile')).toBe(before.b);

    expect((await nx(['sync:check'])).code).toBe(0);
  });

  it('the re-rendered projects lint clean, and one passes the contract on the real engine', async () => {
    const lint = await nx(['run-many', '-t', 'dockerfile-lint', '--output-style=stream']);
    expect({ code: lint.code, output: lint.code ? lint.output : '' }).toEqual({ code: 0, output: '' });
    const contract = await nx(['run', 'agent-a:contract-test', '--output-style=stream']);
    expect({ code: contract.code, output: contract.code ? contract.output.slice(-3000) : '' }).toEqual({ code: 0, output: '' });
    expect(contract.output).toMatch(/(\d+)\/\1 checks passed/);
    // The image carries the synced healthcheck. Found by the id its build recorded: the synced tree is not yet
    // committed, so the build is tagged sha-<7>-dirty only, never latest.
    const built = (JSON.parse(read('dist/docker/agent-a/metadata.json')) as { platforms: Array<{ imageId: string }> }).platforms[0].imageId;
    const inspected = await runCommand('docker', ['image', 'inspect', built, '--format', '{{json .Config.Healthcheck}}']);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ Retries: 4 });
  });
});
