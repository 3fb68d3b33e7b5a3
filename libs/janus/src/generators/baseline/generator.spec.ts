import { readNxJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import createIgnore from '@balena/dockerignore';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { baselineGenerator } from './generator';
import { janusTargets } from '../../targets/janus-targets';
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
    // No target block: the plugin infers the targets from janus.json, and the generator registered it.
    expect(project.targets ?? {}).toEqual({});
    expect(readNxJson(tree)?.plugins).toEqual([{ plugin: 'janus/plugin', options: {} }]);
    expect(project.tags).toEqual(expect.arrayContaining(['janus:baseline', 'janus:flavor:plain']));
  });

  it('documents in its README only targets and configurations the project has', async () => {
    await baselineGenerator(tree, { name: 'my-agent' });
    const readme = tree.read('apps/my-agent/README.md', 'utf8')!;
    // The targets the plugin infers for it (the project carries none of its own).
    const targets = janusTargets({ port: 8080 });
    const runs = [...readme.matchAll(/nx run my-agent:([\w-]+)(.*)/g)];
    for (const [line, target, rest] of runs) {
      expect({ line, target: target in targets }).toEqual({ line, target: true });
      const configurations = [...rest.matchAll(/(?:-c|--configuration)[ =]([\w-]+)/g)].map(([, c]) => c);
      for (const c of configurations) expect({ line, configuration: c in (targets[target].configurations ?? {}) }).toEqual({ line, configuration: true });
    }
    expect(runs.map(([, target]) => target)).toEqual(['dockerfile-lint', 'docker-build', 'contract-test', 'docker-push']);
  });

  it('renders a multi-stage, non-root Dockerfile with the contract settings', async () => {
    await baselineGenerator(tree, { name: 'my-agent', port: 9090, uid: 1234 });
    const dockerfile = tree.read('apps/my-agent/Dockerfile', 'utf8')!;
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=python:3\.11-slim$/m);
    // Built on the build platform from the target's base, the final stage holds only what it assembled.
    expect(dockerfile).toMatch(/^FROM --platform=\$BUILDPLATFORM \$\{BASE_IMAGE\} AS builder$/m);
    expect(dockerfile).toMatch(/^RUN --mount=type=bind,from=target-base,target=\/target \\$/m);
    expect(dockerfile).toMatch(/^FROM scratch AS runtime$/m);
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
    expect(dockerfile).toMatch(/ 1234 app \/app /);
    expect(dockerfile.indexOf('COPY pyproject.toml')).toBeLessThan(dockerfile.indexOf('COPY app ./app'));
    expect(dockerfile.lastIndexOf('COPY --from=builder')).toBeLessThan(dockerfile.indexOf('COPY app ./app'));
  });

  it("writes a .dockerignore that excludes at least what the spec's list does, and Python caches at any depth", async () => {
    await baselineGenerator(tree, { name: 'my-agent' });
    const ignore = createIgnore({}).add(tree.read('apps/my-agent/.dockerignore', 'utf8')!.split('\n'));
    // A path each spec pattern excludes at the context root (the spec's own reading); Docker's matcher decides.
    const example = (p: string) => p.replace('*', 'x');
    for (const pattern of SPEC_DOCKERIGNORE.filter((p) => !p.startsWith('!')))
      expect({ pattern, excluded: ignore.ignores(example(pattern)) }).toEqual({ pattern, excluded: true });
    expect(ignore.ignores('README.md')).toBe(false);
    for (const nested of ['app/__pycache__/main.cpython-311.pyc', 'app/x.pyc', 'app/sub/.pytest_cache/v'])
      expect({ nested, excluded: ignore.ignores(nested) }).toEqual({ nested, excluded: true });
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
      ['a directory inside .git', { name: 'ok', directory: '.git/x' }, /'directory' = "\.git\/x": must not be inside a directory tools own/],
      ['a directory inside node_modules', { name: 'ok', directory: 'node_modules/x' }, /must not be inside a directory tools own/],
      ['a directory inside dist', { name: 'ok', directory: 'dist/x' }, /must not be inside a directory tools own/],
      ['a directory with a newline', { name: 'ok', directory: 'apps/a\nb' }, /must not contain control characters such as a newline/],
      ['a name with a newline', { name: 'ok\nx' }, /'name' = "ok\\nx": must be lowercase/],
      [
        'a path through a file',
        { name: 'ok', directory: 'package.json/x' },
        /'directory' = "package.json\/x": package.json is a file, so nothing can be created under it/,
      ],
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

    it('refuses a directory starting with ~, which a shell did not expand', async () => {
      const before = changedPaths();
      await expect(baselineGenerator(tree, { name: 'ok', directory: '~/x' })).rejects.toThrow(
        /'directory' = "~\/x": must be relative to the workspace root \(~ is your home/,
      );
      expect(changedPaths()).toEqual(before);
    });

    it('refuses a directory inside another project', async () => {
      await baselineGenerator(tree, { name: 'outer' });
      const before = changedPaths();
      await expect(baselineGenerator(tree, { name: 'inner', directory: 'apps/outer/sub' })).rejects.toThrow(
        /'directory' = "apps\/outer\/sub": inside the project outer \(apps\/outer\)/,
      );
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
