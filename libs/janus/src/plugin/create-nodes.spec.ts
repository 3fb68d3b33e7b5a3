import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inferComposeProject, inferTargets } from './create-nodes';
import { DEFAULT_PLUGIN_OPTIONS } from './plugin-defaults';
import { logger } from '@nx/devkit';

describe('inferred targets on a temporary workspace', () => {
  let ws: string;
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), content);
  };
  const infer = (file: string, options = DEFAULT_PLUGIN_OPTIONS) => inferTargets(file, options, { workspaceRoot: ws, nxJsonConfiguration: {} });
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'janus-infer-'));
    write('apps/agent/Dockerfile', 'FROM python:3.11-slim\nCOPY app ./app\nCOPY pyproject.toml ./\nUSER 1000\n');
    write(
      'apps/agent/janus.json',
      JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 9090, baseImage: 'python:3.11-slim', uid: 1000 } }),
    );
    write('apps/agent/project.json', JSON.stringify({ name: 'agent' }));
    write('apps/agent/app/main.py', 'x');
    write('apps/agent/pyproject.toml', 'x');
    write('apps/agent/README.md', 'x');
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('gives the janus targets with metadata, the port from janus.json and exact file inputs', async () => {
    const project = (await infer('apps/agent/Dockerfile')).projects['apps/agent'];
    expect(Object.keys(project.targets!)).toEqual([
      'dockerfile-lint',
      'docker-build',
      'contract-test',
      'docker-push',
      'image-report',
      'docker-run',
      'docker-logs',
      'docker-stop',
    ]);
    expect(project.name).toBeUndefined();
    // A baseline's budget is the agent-runner spec's 100 MB, at build and in the contract.
    expect(project.targets!['contract-test'].options).toEqual({ port: 9090, sizeBudgetMb: 100 });
    expect(project.targets!['docker-build'].options).toMatchObject({ sizeBudgetMb: 100 });
    expect(project.targets!['docker-build'].metadata?.description).toMatch(/Build the image/);
    const inputs = project.targets!['docker-build'].inputs!.filter((i): i is string => typeof i === 'string');
    expect(inputs).toEqual(
      expect.arrayContaining(['{workspaceRoot}/apps/agent/app/main.py', '{workspaceRoot}/apps/agent/pyproject.toml', '{workspaceRoot}/apps/agent/Dockerfile']),
    );
    expect(inputs).not.toContain('{workspaceRoot}/apps/agent/README.md');
    expect(project.targets!['docker-build'].configurations).toEqual({ ci: { pull: true, keepImagesIn: 'registry', reproducible: true } });
    // Cached on the build record it tests.
    expect(project.targets!['contract-test'].cache).toBe(true);
    expect(project.targets!['contract-test'].inputs).toContainEqual({ dependentTasksOutputFiles: '**/image-digests.json' });
    // A base image's content, never its record's timings; and whether this build's own paths are dirty.
    const allInputs = project.targets!['docker-build'].inputs!;
    expect(allInputs).toContainEqual({ dependentTasksOutputFiles: '**/image-digests.json', transitive: true });
    expect(JSON.stringify(allInputs)).not.toContain('metadata.json');
    // Dirty is asked of what the image is made of: not the README or other files no COPY reads.
    expect(JSON.stringify(allInputs)).toContain(
      `git status --porcelain --untracked-files=no -- 'apps/agent/Dockerfile' 'apps/agent/.dockerignore' 'apps/agent/app' 'apps/agent/pyproject.toml'`,
    );
  });

  it("gives docker-build the workspace's registry as an option (so the task hash covers it), and none without one", async () => {
    const withRegistry = (await infer('apps/agent/Dockerfile', { ...DEFAULT_PLUGIN_OPTIONS, registry: 'ghcr.io' })).projects['apps/agent'].targets!;
    expect(withRegistry['docker-build'].options).toMatchObject({ registry: 'ghcr.io' });
    const without = (await infer('apps/agent/Dockerfile')).projects['apps/agent'].targets!;
    expect(without['docker-build'].options).not.toHaveProperty('registry');
    // How this machine reaches npm is no option of the target: it is not part of what is built.
    expect(without['docker-build'].options).not.toHaveProperty('network');
  });

  it('splits the build into one target per platform and a merge of their records, when the workspace asks', async () => {
    const options = { ...DEFAULT_PLUGIN_OPTIONS, registry: 'ghcr.io', splitPlatforms: true };
    const targets = (await infer('apps/agent/Dockerfile', options)).projects['apps/agent'].targets!;
    const single = (await infer('apps/agent/Dockerfile', { ...DEFAULT_PLUGIN_OPTIONS, registry: 'ghcr.io' })).projects['apps/agent'].targets!;
    for (const [suffix, platform] of [
      ['amd64', 'linux/amd64'],
      ['arm64', 'linux/arm64'],
    ]) {
      const t = targets[`docker-build-${suffix}`];
      expect(t.executor).toBe('janus:docker-build');
      // Its own output, staged by digest so another machine can merge it; the same inputs as the whole build.
      expect(t.options).toMatchObject({
        platforms: platform,
        keepImagesIn: 'registry',
        outputPath: `dist/docker-platforms/agent/${suffix}`,
        registry: 'ghcr.io',
      });
      expect(t.outputs).toEqual(['{options.outputPath}']);
      expect(t.inputs).toEqual(single['docker-build'].inputs);
      expect(t.configurations).toEqual(single['docker-build'].configurations);
    }
    // The build target merges: what contract-test and docker-push read is where it always was.
    expect(targets['docker-build']).toMatchObject({
      executor: 'janus:docker-merge',
      dependsOn: ['docker-build-amd64', 'docker-build-arm64', '^docker-build'],
      options: { platformTargets: ['docker-build-amd64', 'docker-build-arm64'] },
      outputs: single['docker-build'].outputs,
    });
    expect(targets['contract-test'].dependsOn).toEqual(['docker-build']);
  });

  it('renames targets, dependsOn included, as the options say', async () => {
    const options = { ...DEFAULT_PLUGIN_OPTIONS, targetNames: { ...DEFAULT_PLUGIN_OPTIONS.targetNames, build: 'image', lint: 'lint-df' } };
    const targets = (await infer('apps/agent/Dockerfile', options)).projects['apps/agent'].targets!;
    expect(targets.image.dependsOn).toEqual(['^image']);
    expect(targets['lint-df'].executor).toBe('janus:dockerfile-lint');
    expect(targets['contract-test'].dependsOn).toEqual(['image']);
  });

  it('keeps a project whose COPY reads outside its context in the graph, saying what is wrong', async () => {
    write('apps/agent/Dockerfile', 'FROM python:3.11-slim\nCOPY ../secrets /s\n');
    const targets = (await infer('apps/agent/Dockerfile')).projects['apps/agent'].targets!;
    expect(targets['docker-build'].metadata?.description).toMatch(/COPY\/ADD of "\.\.\/secrets" reads outside the build context/);
  });

  it('gives a base image build and push only, linted without the runtime rules, and names an unnamed project', async () => {
    write('containers/base/Dockerfile', 'FROM python:3.11-slim\nRUN true\n');
    write('containers/base/janus.json', '{ "kind": "base-image" }');
    const project = (await infer('containers/base/Dockerfile')).projects['containers/base'];
    expect(project.name).toBe('containers-base');
    expect(Object.keys(project.targets!)).toEqual(['dockerfile-lint', 'docker-build', 'docker-push', 'image-report']);
    expect(project.targets!['dockerfile-lint'].options).toEqual({ ignore: ['JD001', 'JD002', 'JD003'] });
    expect(project.targets!['docker-push']).toMatchObject({ dependsOn: ['docker-build'], options: { requireContract: false } });
  });

  it('builds a base image from its recipe too, labelled by the commit that last changed it', async () => {
    write('containers/base/Dockerfile', 'FROM scratch\nARG TARGETARCH\nADD rootfs-${TARGETARCH}.tar /\n');
    write('containers/base/janus.json', JSON.stringify({ kind: 'base-image', inputs: ['rootfs.sh', './patches/*.diff'] }));
    const build = (await infer('containers/base/Dockerfile')).projects['containers/base'].targets!['docker-build'];
    expect(build.inputs).toEqual(expect.arrayContaining(['{projectRoot}/rootfs.sh', '{projectRoot}/patches/*.diff']));
    expect(build.options).toMatchObject({ revisionFrom: 'inputs' });
  });

  it('keeps a project whose janus.json breaks its schema in the graph, its janus targets failing with one line naming file, field, value and rule', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      write('apps/agent/janus.json', JSON.stringify({ kind: 'base-image', inputs: ['../other/**', 'ok.txt'] }));
      const inputs = (await infer('apps/agent/Dockerfile')).projects['apps/agent'].targets!['docker-build'] as { metadata: { description: string } };
      expect(inputs.metadata.description).toBe(
        `janus: apps/agent/janus.json is not valid: 'inputs.0' = "../other/**": must be a glob inside the project, relative to it, such as "rootfs.sh" or "patches/*.diff"; fix it (or delete it to leave this Dockerfile to you) before running janus targets`,
      );
      write(
        'apps/agent/janus.json',
        JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 'eighty', baseImage: 'python:3.11-slim', uid: 1000 } }),
      );
      const targets = (await infer('apps/agent/Dockerfile')).projects['apps/agent'].targets!;
      expect(Object.keys(targets)).toEqual(['dockerfile-lint', 'docker-build', 'contract-test', 'docker-push', 'docker-run']);
      const build = targets['docker-build'] as { executor: string; metadata: { description: string } };
      expect(build.executor).toBe('janus:problem');
      expect(build.metadata.description).toMatch(
        /^janus: apps\/agent\/janus\.json is not valid: 'options\.port' = "eighty": must be an integer from 1 to 65535; fix it/,
      );
      write('apps/agent/janus.json', JSON.stringify({ kind: 'server' }));
      expect((await infer('apps/agent/Dockerfile')).projects['apps/agent'].targets!['docker-build'].metadata!.description).toMatch(
        /janus\.json is not valid: 'kind' = "server": must be one of "agent", "base-image", "runtime"/,
      );
      // Named in a warning when inference meets it, one line each.
      expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
        expect.stringMatching(
          /^janus: apps\/agent\/janus\.json is not valid: 'inputs\.0' = "\.\.\/other\/\*\*": .+; the janus targets of apps\/agent fail until it is fixed$/,
        ),
        expect.stringMatching(/^janus: apps\/agent\/janus\.json is not valid: 'options\.port' = "eighty"/),
        expect.stringMatching(/^janus: apps\/agent\/janus\.json is not valid: 'kind' = "server"/),
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('keeps a project whose janus.json is cut short in the graph, each janus target failing with a message naming janus.json', async () => {
    write(
      'apps/agent/janus.json',
      JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 9090, baseImage: "python:3.11-slim's", uid: 1000 } }).slice(0, 90),
    );
    const targets = (await infer('apps/agent/Dockerfile')).projects['apps/agent'].targets!;
    expect(Object.keys(targets)).toEqual(['dockerfile-lint', 'docker-build', 'contract-test', 'docker-push', 'docker-run']);
    const build = targets['docker-build'] as { executor: string; options: { message: string }; metadata: { description: string } };
    expect(build.metadata.description).toMatch(/^janus: apps\/agent\/janus\.json is not valid JSON \(.+\); fix it/);
    expect(build.metadata.description).not.toContain('Dockerfile:');
    // The target's executor prints exactly that (no shell between, so no quoting to get wrong).
    expect(build).toMatchObject({ executor: 'janus:problem', options: { message: build.metadata.description } });
  });

  it("counts the workspace's template overrides the project was rendered from as build inputs", async () => {
    write(
      'apps/agent/janus.json',
      JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 8080, baseImage: 'python:3.11-slim', uid: 1000 } }),
    );
    write('tools/janus-templates/partials/healthcheck.hbs', 'HEALTHCHECK CMD ["true"]\n');
    write('tools/janus-templates/partials/unused-by-baseline.hbs', 'x\n');
    const options = { ...DEFAULT_PLUGIN_OPTIONS, templatesDir: 'tools/janus-templates' };
    const inputs = (await infer('apps/agent/Dockerfile', options)).projects['apps/agent'].targets!['docker-build'].inputs!;
    expect(inputs).toContain('{workspaceRoot}/tools/janus-templates/partials/healthcheck.hbs');
    expect(inputs).not.toContain('{workspaceRoot}/tools/janus-templates/partials/unused-by-baseline.hbs');
  });

  it('gives the root project the workspace targets from the root compose file, compose-up after the services are built', async () => {
    write('package.json', JSON.stringify({ name: 'my-workspace' }));
    write('docker-compose.yml', 'services:\n  agent:\n    image: localhost:5000/agent:${JANUS_TAG:-latest}\n  db:\n    image: postgres:16\n');
    const context = { workspaceRoot: ws, nxJsonConfiguration: {} };
    const [file, result] = (await inferComposeProject(['docker-compose.yml'], DEFAULT_PLUGIN_OPTIONS, context))!;
    expect(file).toBe('docker-compose.yml');
    const root = result.projects['.'] as { name: string; targets: Record<string, { dependsOn?: string[]; options?: object }>; metadata: object };
    // The root package.json names it (Nx takes that name); inference names only an unnamed root.
    expect(root.name).toBeUndefined();
    expect(Object.keys(root.targets)).toEqual(['compose-up', 'compose-down', 'docker-clean']);
    expect(root.targets['compose-up']).toMatchObject({ dependsOn: ['^docker-build'], options: { file: 'docker-compose.yml' } });
    expect(root.metadata).toMatchObject({
      janusCompose: {
        services: [
          { name: 'agent', repository: 'agent' },
          { name: 'db', repository: 'library/postgres' },
        ],
        problems: [],
      },
    });
    // compose's own preference when several exist; none at all: no root project.
    write('compose.yaml', 'services:\n  x:\n    image: x\n');
    expect((await inferComposeProject(['docker-compose.yml', 'compose.yaml'], DEFAULT_PLUGIN_OPTIONS, context))![0]).toBe('compose.yaml');
    expect(await inferComposeProject([], DEFAULT_PLUGIN_OPTIONS, context)).toBeUndefined();
  });

  it('keeps a broken compose file in the graph, naming the problem on compose-up', async () => {
    write('docker-compose.yml', 'services:\n  agent:\n    build: .\n');
    const [, result] = (await inferComposeProject(['docker-compose.yml'], DEFAULT_PLUGIN_OPTIONS, { workspaceRoot: ws, nxJsonConfiguration: {} }))!;
    const root = result.projects['.'] as { targets: Record<string, { metadata?: { description?: string } }> };
    expect(root.targets['compose-up'].metadata?.description).toMatch(/Problems: .*service 'agent' has 'build': compose must not build images/);
  });
});
