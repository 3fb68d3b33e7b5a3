import { readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { baselineGenerator } from './generator';
import { FLAVORS } from '../../schema/common-fields';
import { lintDockerfile } from '../../executors/dockerfile-lint/lib/lint-dockerfile';

const SPEC_DOCKERIGNORE = `__pycache__ *.pyc *.pyo *.egg-info .git .gitignore .env .venv venv .pytest_cache .mypy_cache
  .coverage htmlcov dist build *.md !README.md tests .ruff_cache`
  .split(/\s+/)
  .filter(Boolean);

describe('janus:baseline', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('creates a project in apps/<name> with the contract files', async () => {
    await baselineGenerator(tree, { name: 'my-agent' });
    for (const f of ['Dockerfile', '.dockerignore', 'pyproject.toml', 'README.md', 'janus.json', 'app/main.py', 'app/__main__.py', 'app/agent.py']) {
      expect(tree.exists(`apps/my-agent/${f}`)).toBe(true);
    }
    const project = readProjectConfiguration(tree, 'my-agent');
    expect(project.root).toBe('apps/my-agent');
    expect(project.projectType).toBe('application');
    expect(project.targets?.['dockerfile-lint']).toMatchObject({ executor: 'janus:dockerfile-lint', options: { port: 8080 } });
    expect(project.targets?.['docker-build']).toMatchObject({
      executor: 'janus:docker-build',
      outputs: ['{options.outputPath}', '{workspaceRoot}/dist/docker/{projectName}'],
      options: { platforms: 'linux/amd64,linux/arm64' },
    });
    expect(project.targets?.['docker-build']?.options?.push).toBeUndefined();
    // The build lints in-process with the lint target's options; a task dependency would only add a process.
    expect(project.targets?.['docker-build']?.dependsOn).toBeUndefined();
    expect(project.targets?.['docker-push']).toMatchObject({ executor: 'janus:docker-push', dependsOn: ['contract-test'] });
    expect(project.targets?.['contract-test']).toMatchObject({ executor: 'janus:contract-test', dependsOn: ['docker-build'], options: { port: 8080 } });
    expect(project.tags).toEqual(expect.arrayContaining(['janus:baseline', 'janus:flavor:plain']));
  });

  it('renders a multi-stage, non-root Dockerfile with the contract settings', async () => {
    await baselineGenerator(tree, { name: 'my-agent', port: 9090, uid: 1234 });
    const dockerfile = tree.read('apps/my-agent/Dockerfile', 'utf8')!;
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=python:3\.11-slim$/m);
    expect(dockerfile).toMatch(/^FROM \$\{BASE_IMAGE\} AS builder$/m);
    expect(dockerfile).toMatch(/^FROM \$\{BASE_IMAGE\} AS runtime$/m);
    expect(dockerfile).toMatch(/^USER 1234:1234$/m);
    expect(dockerfile).toMatch(/^EXPOSE 9090$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \\$/m);
    expect(dockerfile).toMatch(/^CMD \["python", "-m", "app"\]$/m);
    expect(dockerfile).toMatch(/HOST=0\.0\.0\.0/);
    expect(dockerfile).toMatch(/PORT=9090/);
    expect(dockerfile).toMatch(/LOG_LEVEL=INFO/);
    expect(dockerfile).toMatch(/DEBUG=false/);
    expect(dockerfile).not.toMatch(/JANUS_LLM_API_KEY=/);
    // Sources are copied after the dependency layer, so a code change does not reinstall dependencies.
    expect(dockerfile.indexOf('COPY pyproject.toml')).toBeLessThan(dockerfile.indexOf('COPY app ./app'));
    expect(dockerfile.lastIndexOf('COPY --from=builder')).toBeLessThan(dockerfile.indexOf('COPY app ./app'));
  });

  it('writes a .dockerignore with at least the specs list', async () => {
    await baselineGenerator(tree, { name: 'my-agent' });
    const lines = tree
      .read('apps/my-agent/.dockerignore', 'utf8')!
      .split('\n')
      .map((l) => l.trim());
    for (const pattern of SPEC_DOCKERIGNORE) expect(lines).toContain(pattern);
  });

  it('honours directory, base image and tags', async () => {
    await baselineGenerator(tree, { name: 'x1', directory: 'containers/agents/x1', baseImage: 'localhost:5000/py:3.11', tags: 'team:a, scope:agents' });
    const project = readProjectConfiguration(tree, 'x1');
    expect(project.root).toBe('containers/agents/x1');
    expect(project.tags).toEqual(expect.arrayContaining(['team:a', 'scope:agents']));
    expect(tree.read('containers/agents/x1/Dockerfile', 'utf8')).toContain('ARG BASE_IMAGE=localhost:5000/py:3.11');
  });

  it.each(FLAVORS)('renders the %s flavor with its own agent wiring and the same contract', async (flavor) => {
    await baselineGenerator(tree, { name: 'f', flavor });
    expect(readProjectConfiguration(tree, 'f').tags).toContain(`janus:flavor:${flavor}`);
    expect(tree.read('apps/f/app/main.py', 'utf8')).toContain('/v1/chat/completions');
    expect(tree.read('apps/f/app/agent.py', 'utf8')!.length).toBeGreaterThan(0);
  });

  it('gives each flavor different agent code', async () => {
    const agents = new Set<string>();
    for (const flavor of FLAVORS) {
      await baselineGenerator(tree, { name: `a-${flavor}`, flavor });
      agents.add(tree.read(`apps/a-${flavor}/app/agent.py`, 'utf8')!);
    }
    expect(agents.size).toBe(FLAVORS.length);
  });

  it.each([
    ['plain', 8080],
    ['agent-cli', 3000],
    ['langchain', 65535],
  ] as const)('renders a %s Dockerfile on port %d that passes every lint rule', async (flavor, port) => {
    await baselineGenerator(tree, { name: 'linted', flavor, port });
    const findings = lintDockerfile({
      dockerfile: tree.read('apps/linted/Dockerfile', 'utf8')!,
      dockerignore: tree.read('apps/linted/.dockerignore', 'utf8'),
      port,
    });
    expect(findings).toEqual([]);
  });

  describe('bad input writes nothing and says what is allowed', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['path-like name', { name: '../x' }, /'name' = "\.\.\/x": must be lowercase letters/],
      ['name with spaces', { name: 'My Agent' }, /'name' = "My Agent": must be lowercase/],
      ['empty name', { name: '' }, /'name' = "": must not be empty/],
      ['port too high', { name: 'ok', port: 70000 }, /'port' = 70000: must be an integer from 1 to 65535/],
      ['port zero', { name: 'ok', port: 0 }, /'port' = 0: must be an integer from 1 to 65535/],
      ['port not a number', { name: 'ok', port: 'abc' }, /'port' = "abc": must be an integer from 1 to 65535/],
      ['unknown flavor', { name: 'ok', flavor: 'crewai' }, /'flavor' = "crewai": must be one of "plain", "agent-cli", "langchain"/],
      ['root uid', { name: 'ok', uid: 0 }, /'uid' = 0: must be an integer from 1 to 65534 \(0 is root\)/],
      ['escaping directory', { name: 'ok', directory: '../outside' }, /'directory' = "\.\.\/outside": must stay inside the workspace/],
      ['bad base image', { name: 'ok', baseImage: 'Python 3' }, /'baseImage' = "Python 3": must be an image reference/],
      ['unknown option', { name: 'ok', prot: 1 }, /unknown option\(s\) 'prot'/],
    ];
    const changedPaths = () =>
      tree
        .listChanges()
        .map((c) => c.path)
        .sort();

    it.each(cases)('%s', async (_label, options, message) => {
      const before = changedPaths();
      await expect(baselineGenerator(tree, options as never)).rejects.toThrow(message);
      expect(changedPaths()).toEqual(before);
    });

    it('refuses an existing directory', async () => {
      tree.write('apps/taken/keep.txt', 'mine');
      const before = changedPaths();
      await expect(baselineGenerator(tree, { name: 'taken' })).rejects.toThrow(/'directory' = "apps\/taken": already exists/);
      expect(changedPaths()).toEqual(before);
      expect(tree.read('apps/taken/keep.txt', 'utf8')).toBe('mine');
    });

    it('refuses a project name already in use', async () => {
      await baselineGenerator(tree, { name: 'dup' });
      await expect(baselineGenerator(tree, { name: 'dup', directory: 'apps/dup2' })).rejects.toThrow(/'name' = "dup": a project with this name already exists/);
      expect(tree.exists('apps/dup2')).toBe(false);
    });

    it('lists every problem at once', async () => {
      await expect(baselineGenerator(tree, { name: 'Bad Name', port: -1 } as never)).rejects.toThrow(/'name'[\s\S]*'port'/);
    });
  });
});
