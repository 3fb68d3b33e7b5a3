import { readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lintDockerfile } from '../../executors/dockerfile-lint/lib/lint-dockerfile';
import { syncGenerator } from '../sync/generator';
import { runtimeGenerator } from './generator';
import type { Packument } from './npm-versions';

// A registry behind the same HTTP interface as npm's, serving abbreviated packuments: the versions, engines
// and native packages below are the shapes measured on the real registry (the e2e uses the real one).
const PACKUMENTS: Record<string, Packument> = {
  '@anthropic-ai/claude-code': {
    name: '@anthropic-ai/claude-code',
    'dist-tags': { latest: '2.1.332' },
    versions: {
      '2.1.197': {
        version: '2.1.197',
        engines: { node: '>=18.0.0' },
        bin: { claude: 'bin/claude.exe' },
        optionalDependencies: {
          '@anthropic-ai/claude-code-linux-x64': '2.1.197',
          '@anthropic-ai/claude-code-linux-arm64': '2.1.197',
          '@anthropic-ai/claude-code-linux-x64-musl': '2.1.197',
          '@anthropic-ai/claude-code-darwin-arm64': '2.1.197',
        },
      },
      '2.1.332': { version: '2.1.332', engines: { node: '>=22.0.0' }, bin: { claude: 'bin/claude.exe' } },
      '2.2.0-beta.1': { version: '2.2.0-beta.1', bin: { claude: 'bin/claude.exe' } },
    },
  },
  '@openai/codex': {
    name: '@openai/codex',
    'dist-tags': { latest: '0.169.0' },
    versions: {
      '0.169.0': {
        version: '0.169.0',
        engines: { node: '>=16' },
        bin: { codex: 'bin/codex.js' },
        optionalDependencies: {
          '@openai/codex-linux-x64': 'npm:@openai/codex@0.169.0-linux-x64',
          '@openai/codex-linux-arm64': 'npm:@openai/codex@0.169.0-linux-arm64',
        },
      },
    },
  },
  '@google/gemini-cli': {
    name: '@google/gemini-cli',
    'dist-tags': { latest: '0.61.0' },
    versions: { '0.61.0': { version: '0.61.0', engines: { node: '>=20' }, bin: { gemini: 'bundle/gemini.js' } } },
  },
  'two-bins': { name: 'two-bins', 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { version: '1.0.0', bin: { a: 'a.js', b: 'b.js' } } } },
};

describe('janus:runtime', () => {
  let tree: Tree;
  let server: Server;
  const env = process.env;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const p = PACKUMENTS[decodeURIComponent(req.url!.slice(1))];
      res.writeHead(p ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(p ?? { error: 'not found' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    process.env = { ...env, npm_config_registry: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
  });
  afterAll(async () => {
    process.env = env;
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });
  const files = (dir: string) => tree.children(dir).sort();

  it("pins the newest version the base image's Node runs, and says why it is not the latest", async () => {
    const done = await runtimeGenerator(tree, { provider: 'anthropic' });
    const janus = JSON.parse(tree.read('containers/anthropic-runtime/janus.json', 'utf8')!);
    expect(janus).toMatchObject({ kind: 'runtime', template: 'runtime', options: { package: '@anthropic-ai/claude-code', version: '2.1.197', bin: 'claude' } });
    const dockerfile = tree.read('containers/anthropic-runtime/Dockerfile', 'utf8')!;
    expect(dockerfile).toContain("'@anthropic-ai/claude-code@2.1.197'");
    expect(dockerfile).toContain("amd64) cpu=x64 native='@anthropic-ai/claude-code-linux-x64@2.1.197'");
    expect(dockerfile).toContain("npm rebuild --global --prefix /cli '@anthropic-ai/claude-code'");
    expect(dockerfile).toMatch(/DISABLE_AUTOUPDATER=1/);
    expect(tree.read('containers/anthropic-runtime/README.md', 'utf8')).toMatch(
      /2\.1\.197, the newest that runs on the base image's Node 20\.x\.x \(2\.1\.332 needs Node >=22\.0\.0\)/,
    );
    expect(files('containers/anthropic-runtime')).toEqual([
      '.dockerignore',
      'Dockerfile',
      'README.md',
      'anthropic-runtime.nomad.hcl',
      'docker',
      'entrypoint.sh',
      'janus.json',
      'project.json',
    ]);
    expect(readProjectConfiguration(tree, 'anthropic-runtime').targets?.['docker-build'].options).toEqual({ sizeBudgetMb: 380 });
    expect(done).toBeInstanceOf(Function);
  });

  // npm here points at a registry on 127.0.0.1 (as a workspace whose npm uses a local verdaccio): that is where
  // the version is looked up, and nowhere in what is committed, so the project builds on any other machine.
  it('writes no machine setting and no npm registry URL into the project, though npm points at a local registry', async () => {
    await runtimeGenerator(tree, { provider: 'google' });
    const registry = process.env.npm_config_registry!;
    const dir = 'containers/google-runtime';
    const written = tree
      .children(dir)
      .filter((f) => tree.isFile(`${dir}/${f}`))
      .map((f) => [f, tree.read(`${dir}/${f}`, 'utf8')!] as const);
    for (const [file, text] of written) {
      expect([file, text.includes(registry.replace(/\/$/, ''))]).toEqual([file, false]);
      expect([file, /127\.0\.0\.1|registry\.npmjs\.org|\/etc\/ssl|"network"|npm-ca,src=/.test(text)]).toEqual([file, false]);
    }
    expect(readProjectConfiguration(tree, 'google-runtime').targets?.['docker-build'].options).toEqual({ sizeBudgetMb: 230 });
    expect(JSON.parse(tree.read(`${dir}/janus.json`, 'utf8')!).options).not.toHaveProperty('registry');
    // The build installs from npm's own default unless the machine names a registry (JANUS_NPM_REGISTRY).
    const dockerfile = tree.read(`${dir}/Dockerfile`, 'utf8')!;
    expect(dockerfile).toMatch(/^ARG NPM_REGISTRY$/m);
    expect(dockerfile).toContain(
      'npm install --global --prefix /cli --force --os=linux --cpu="$cpu" --ignore-scripts --no-audit --no-fund ${NPM_REGISTRY:+--registry "$NPM_REGISTRY"}',
    );
  });

  it('renders what nx sync renders: a fresh runtime (formatted as generators format) is in sync', async () => {
    await runtimeGenerator(tree, { provider: 'google' });
    // As a workspace's formatter lays the record out (prettier folds the short credentials list onto one line).
    const recordPath = 'containers/google-runtime/janus.json';
    tree.write(recordPath, tree.read(recordPath, 'utf8')!.replace(/\[\s*("GEMINI_API_KEY"),\s*("GOOGLE_API_KEY")\s*\]/, '[$1, $2]'));
    expect(tree.read(recordPath, 'utf8')).toContain('"credentials": ["GEMINI_API_KEY", "GOOGLE_API_KEY"]');
    expect(await syncGenerator(tree)).toEqual({});
    // And a template change reaches it: its managed regions are recorded.
    const record = JSON.parse(tree.read('containers/google-runtime/janus.json', 'utf8')!);
    expect(record.managed.Dockerfile.regions).toEqual(expect.objectContaining({ 'runtime-cli-install': expect.any(String), 'env-block': expect.any(String) }));
    tree.write(
      'containers/google-runtime/Dockerfile',
      tree.read('containers/google-runtime/Dockerfile', 'utf8')!.replace('WARM_POOL=false', 'WARM_POOL=maybe'),
    );
    expect(await syncGenerator(tree)).toEqual({});
  });

  it('installs the per-platform native package by its npm alias and runs the sandbox-free headless mode', async () => {
    await runtimeGenerator(tree, { provider: 'openai' });
    const dockerfile = tree.read('containers/openai-runtime/Dockerfile', 'utf8')!;
    expect(dockerfile).toContain("arm64) cpu=arm64 native='@openai/codex-linux-arm64@npm:@openai/codex@0.169.0-linux-arm64'");
    expect(dockerfile).not.toContain('npm rebuild');
    expect(tree.read('containers/openai-runtime/entrypoint.sh', 'utf8')).toContain(
      'exec codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox "$@"',
    );
  });

  it('renders Dockerfiles that pass the lint (no EXPOSE asked of a CLI runtime)', async () => {
    for (const provider of ['openai', 'anthropic', 'google'] as const) {
      await runtimeGenerator(tree, { provider });
      const dir = `containers/${provider}-runtime`;
      const findings = lintDockerfile({
        dockerfile: tree.read(`${dir}/Dockerfile`, 'utf8')!,
        dockerignore: tree.read(`${dir}/.dockerignore`, 'utf8'),
        ignore: ['JD003'],
      });
      expect(findings).toEqual([]);
    }
  });

  it.each([
    [{ provider: 'nope' }, /'provider' = "nope": must be one of "openai", "anthropic", "google", "custom"/],
    [{ provider: 'custom' }, /'package' = \(missing\): --provider=custom needs the npm package/],
    [{ provider: 'openai', package: 'x' }, /'package' = "x": only for --provider=custom/],
    [{ provider: 'anthropic', cliVersion: '9.9.9' }, /'cliVersion' = "9.9.9": @anthropic-ai\/claude-code has no such version .*latest: 2\.1\.332/],
    [{ provider: 'anthropic', cliVersion: '2.1.332' }, /needs Node >=22\.0\.0, and node:20-slim has Node 20\.x\.x; the newest that runs there is 2\.1\.197/],
    [{ provider: 'anthropic', cliVersion: '^2' }, /'cliVersion' = "\^2": must be an exact version/],
    [{ provider: 'custom', package: 'does-not-exist' }, /'package' = "does-not-exist": no such package/],
    [{ provider: 'custom', package: 'two-bins' }, /'bin' = "\(missing\)": two-bins@1\.0\.0 installs 'a', 'b'; pass --bin/],
    [{ provider: 'custom', package: 'two-bins', bin: 'c' }, /'bin' = "c": two-bins@1\.0\.0 installs 'a', 'b'/],
    [{ provider: 'google', baseImage: 'debian:12' }, /'baseImage' = "debian:12": its tag does not say which Node/],
  ])('refuses %j and writes nothing', async (options, message) => {
    await expect(runtimeGenerator(tree, options as never)).rejects.toThrow(message);
    expect(tree.listChanges().filter((c) => c.path.startsWith('containers'))).toEqual([]);
  });

  it('refuses a directory that exists, writing nothing', async () => {
    tree.write('containers/google-runtime/keep.txt', 'mine');
    await expect(runtimeGenerator(tree, { provider: 'google' })).rejects.toThrow(/'directory' = "containers\/google-runtime": already exists/);
    expect(files('containers/google-runtime')).toEqual(['keep.txt']);
  });

  it('builds a custom runtime from any npm CLI with its credential names', async () => {
    await runtimeGenerator(tree, { provider: 'custom', package: 'two-bins', bin: 'b', credentials: 'B_TOKEN,ALT_TOKEN', name: 'b-runtime' });
    const entry = tree.read('containers/b-runtime/entrypoint.sh', 'utf8')!;
    expect(entry).toContain('for name in B_TOKEN ALT_TOKEN; do');
    expect(entry).toContain('exec b "$@"');
  });
});
