import { removeImages } from '../../../janus-testing/src/test-images';
import { appendFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stripVTControlCharacters } from 'node:util';
import { runCommand } from '../process/run-command';
import { initGitRepo } from '../../../janus-testing/src/git-repo';
import { TempWorkspace } from '../../../janus-testing/src/temp-workspace';
import { REPO_ROOT } from '../../../../tools/repo-root';
import { nxCliEnv } from '../../../janus-testing/src/nx-cli-env';

// CI's one line on a real workspace: after one full build, `nx affected -t docker-build` after each kind of
// change must really run exactly the builds the change calls for; everything else is a cache hit or not run.
describe('nx affected -t docker-build with inferred targets', () => {
  // The plugin as users run it: compiled, so Nx loads `janus/plugin` like any installed package.
  const ws = new TempWorkspace('janus-affected-');
  const id = randomBytes(3).toString('hex');
  const baseImage = `janus-test/pybase-${id}`;
  const env = nxCliEnv({ JANUS_TEMPLATES_DIR: ws.path('templates') });
  const nx = (args: string[]) => runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), args, { cwd: ws.root, env });
  const git = (args: string[]) => runCommand('git', ['-c', 'user.name=t', '-c', 'user.email=t@janus.invalid', ...args], { cwd: ws.root });
  const write = (path: string, content: string) => {
    mkdirSync(join(ws.root, path, '..'), { recursive: true });
    writeFileSync(ws.path(path), content);
  };

  /** The docker-build tasks that really ran, in order, and those replayed from the cache. */
  async function affected(): Promise<{ ran: string[]; cached: string[] }> {
    const out = stripVTControlCharacters((await nx(['affected', '-t', 'docker-build', '--output-style=stream'])).stdout);
    const ran: string[] = [];
    const cached: string[] = [];
    for (const [line, project] of out.matchAll(/^> nx run ([\w-]+):docker-build.*$/gm)) (/cache/.test(line) ? cached : ran).push(project);
    return { ran, cached };
  }
  async function change(edit: () => void): Promise<{ ran: string[]; cached: string[] }> {
    edit();
    try {
      return await affected();
    } finally {
      await git(['checkout', '-q', '--', '.']);
      await git(['clean', '-qfd', 'apps', 'libs', 'containers', 'templates']);
    }
  }

  const compliant = (from: string, body: string) =>
    `FROM ${from}\n${body}\nUSER 1000:1000\nEXPOSE 8080\nHEALTHCHECK CMD ["python", "-c", "print(1)"]\nCMD ["python", "-c", "print(1)"]\n`;

  beforeAll(async () => {
    cpSync(join(REPO_ROOT, 'templates'), ws.path('templates'), { recursive: true });
    writeFileSync(
      ws.path('nx.json'),
      JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64', registry: 'localhost:5000' } }] }, null, 2),
    );
    // A base image the workspace builds itself, and an agent generated on top of it.
    // Base images end as root by design (the images built FROM them set their own USER).
    write('containers/pybase/Dockerfile', 'FROM python:3.11-slim\nRUN echo base > /etc/pybase\n');
    write('containers/pybase/.dockerignore', '.git\n.env\n');
    write('containers/pybase/janus.json', '{ "kind": "base-image" }\n');
    write('containers/pybase/project.json', JSON.stringify({ name: 'pybase', targets: { 'docker-build': { options: { image: baseImage } } } }));
    await nx(['g', 'janus:baseline', 'agent-a', '--no-interactive']);
    await nx(['g', 'janus:baseline', 'agent-b', '--flavor=langchain', '--no-interactive']);
    await nx(['g', 'janus:baseline', 'agent-c', `--baseImage=localhost:5000/${baseImage}:main`, '--no-interactive']);
    appendFileSync(ws.path('apps/agent-a/.dockerignore'), 'app/*.log\n');
    // A shared library copied into an image built from the workspace root.
    write('libs/shared/project.json', JSON.stringify({ name: 'shared' }));
    write('libs/shared/prompt.txt', 'You are helpful.\n');
    write('apps/tool-d/Dockerfile', compliant('python:3.11-slim', 'COPY libs/shared/prompt.txt /prompt.txt\nCOPY apps/tool-d/run.py /run.py'));
    write('apps/tool-d/run.py', 'print("d")\n');
    write('apps/tool-d/.dockerignore', '.git\n.env\n');
    write('apps/tool-d/janus.json', '{}\n');
    write(
      'apps/tool-d/project.json',
      JSON.stringify({ name: 'tool-d', targets: { 'docker-build': { options: { context: '.', file: 'apps/tool-d/Dockerfile' } } } }),
    );
    write('.dockerignore', 'node_modules\n.git\n.env\ndist\n.nx\ntemplates\n');
    write('.gitignore', 'node_modules\ndist\n.nx\n');
    await initGitRepo(ws.root);
    await nx(['run-many', '-t', 'docker-build']);
  });
  afterAll(async () => {
    await removeImages(`localhost:5000/${baseImage}`, 'localhost:5000/agent-a', 'localhost:5000/agent-b', 'localhost:5000/agent-c', 'localhost:5000/tool-d');
    ws.dispose();
  });

  it('the graph has the FROM and COPY edges', async () => {
    const graph = JSON.parse((await nx(['graph', '--file=stdout'])).stdout) as { graph: { dependencies: Record<string, Array<{ target: string }>> } };
    expect(graph.graph.dependencies['agent-c'].map((d) => d.target)).toContain('pybase');
    expect(graph.graph.dependencies['tool-d'].map((d) => d.target)).toContain('shared');
    expect(graph.graph.dependencies['agent-a'].map((d) => d.target)).not.toContain('pybase');
  });

  it('a source file of one project → exactly that build', async () => {
    expect((await change(() => appendFileSync(ws.path('apps/agent-a/app/main.py'), '\n# edit\n'))).ran).toEqual(['agent-a']);
  });

  it('a file its .dockerignore excludes → none', async () => {
    expect((await change(() => write('apps/agent-a/app/debug.log', 'noise\n'))).ran).toEqual([]);
  });

  it('a README in the context that no COPY reads → none', async () => {
    expect((await change(() => appendFileSync(ws.path('apps/agent-a/README.md'), '\nmore docs\n'))).ran).toEqual([]);
  });

  it('a template → exactly the projects rendered from it', async () => {
    expect((await change(() => appendFileSync(ws.path('templates/baseline/flavors/langchain/app/agent.py'), '\n# edit\n'))).ran).toEqual(['agent-b']);
    const partial = await change(() => appendFileSync(ws.path('templates/partials/healthcheck.hbs'), '# edit\n'));
    expect(partial.ran.sort()).toEqual(['agent-a', 'agent-b', 'agent-c']);
  });

  it('the shared library → its dependents', async () => {
    expect((await change(() => appendFileSync(ws.path('libs/shared/prompt.txt'), 'Be brief.\n'))).ran).toEqual(['tool-d']);
  });

  it('the base image project → it first, then its dependents', async () => {
    expect((await change(() => appendFileSync(ws.path('containers/pybase/Dockerfile'), 'RUN echo v2 >> /etc/pybase\n'))).ran).toEqual(['pybase', 'agent-c']);
  });
});
