import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import OpenAI from 'openai';
import { waitUntilReady } from '../../../libs/janus/src/contract/checks/readiness';
import { startContainer, type StartedContainer } from '../../../libs/janus/src/engine/container-runner';
import { runCommand } from '../../../libs/janus/src/process/run-command';
import { INDEX_TYPES } from '../../../libs/janus/src/oci/media-types';
import { removeImages } from '../../../libs/janus-testing/src/test-images';
import { TestRegistry } from '../../../libs/janus-testing/src/test-registry';
import { nodeBinDir } from './node-binaries';
import { Verdaccio } from './verdaccio';
import { REPO_ROOT } from '../../../tools/repo-root';
import { imageEntries } from '../../../libs/janus-testing/src/index-entries';

// The matrix: the whole path on the newest supported Nx under the host's Node (20); the oldest supported Nx and
// the other Node majors go as far as inferred targets, lint, sync:check and one amd64 build. This workspace's
// own Nx (23.2.1) is what every other spec runs on. Keep these equal to the ends of the plugin's nx peer range.
const NEWEST_NX = { nx: '24.0.7', devkit: '24.0.0' };
// The name the plugin is published under, and the version of the unrelated `janus` the public registry has.
const PACKAGE = '@janus-containers/nx';
const DECOY_VERSION = '0.5.3';
const OLDEST_NX = { nx: '22.6.0', devkit: '22.6.0' };

interface PublishRecord {
  image: string;
  tags: string[];
  indexDigest: string;
}

interface BuildRecord {
  image: string;
  tags: string[];
  pushed: boolean;
  keepImagesIn: string;
  indexDigest?: string;
  platforms: Array<{ platform: string; imageId: string; digest?: string }>;
}

// The plugin as users get it: built, published to a real npm registry (verdaccio) beside an unrelated `janus`,
// added to a fresh workspace that has never seen this repository with the README's `nx add @janus-containers/nx`, and used there for the whole path CI takes:
// generate, lint, build for two platforms, prove the contract, push to a registry; then the image is pulled
// by digest, as a deployment would, and answers the official openai client.
/**
 * A workspace made by hand with nothing but Nx (`create-nx-workspace` here gives 23, and `nx migrate` to 24 fails
 * for want of a matching @nx/js): the plugin comes in through `nx add`. Its nx commands run under the Node in
 * `nodeBin` (the host's when unset), first on PATH, as a user's shell would have it.
 */
class FreshWorkspace {
  /** Every one made, so the file's afterAll removes them even when a describe's own hooks were skipped (-t). */
  static readonly made: FreshWorkspace[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), 'janus-fresh-ws-'));
  nodeBin?: string;
  constructor(
    private readonly npmRegistry: Verdaccio,
    private readonly nxVersions: { nx: string; devkit: string },
  ) {
    FreshWorkspace.made.push(this);
  }

  env(): NodeJS.ProcessEnv {
    // A temp dir of its own: Nx 22 keeps a native file cache there and Node 22+ a compile cache, and both go
    // with the workspace.
    const base = { ...this.npmRegistry.npmEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', TMPDIR: join(this.dir, '.tmp') };
    return this.nodeBin ? { ...base, PATH: `${this.nodeBin}:${process.env.PATH}` } : base;
  }
  nx = (args: string[]) => runCommand(join(this.dir, 'node_modules/.bin/nx'), args, { cwd: this.dir, env: this.env() });
  json = <T>(path: string) => JSON.parse(readFileSync(join(this.dir, path), 'utf8')) as T;
  git = (args: string[]) => runCommand('git', ['-c', 'user.name=janus-e2e', '-c', 'user.email=e2e@janus.invalid', ...args], { cwd: this.dir });

  /** `plugin`: a janus version to install with Nx in one npm install (for the cheap cells), else `nx add` brings it. */
  async create(registryHost: string, plugin?: string): Promise<void> {
    mkdirSync(join(this.dir, '.tmp'));
    const devDependencies = { nx: this.nxVersions.nx, '@nx/devkit': this.nxVersions.devkit, ...(plugin ? { [PACKAGE]: plugin } : {}) };
    writeFileSync(join(this.dir, 'package.json'), JSON.stringify({ name: 'fresh', private: true, devDependencies }, null, 2));
    // The registry every docker-build pushes to, set once for the workspace as a user would.
    writeFileSync(
      join(this.dir, 'nx.json'),
      JSON.stringify(
        { $schema: './node_modules/nx/schemas/nx-schema.json', targetDefaults: { 'docker-build': { options: { registry: registryHost } } } },
        null,
        2,
      ),
    );
    writeFileSync(join(this.dir, '.gitignore'), 'node_modules\ndist\n.nx\n.tmp\n');
    await runCommand('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: this.dir, env: this.env() });
    // Tags come from git: the workspace is a repository on its default branch.
    await this.git(['init', '-q', '-b', 'main']);
  }

  async commit(message: string): Promise<void> {
    await this.git(['add', '-A']);
    await this.git(['commit', '-q', '-m', message]);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const npmRegistry = new Verdaccio();
// A registry of its own: nothing this test pushes lands in the shared one, and it all goes when it stops.
const imageRegistry = new TestRegistry();
let version = '';

// One verdaccio and one image registry for every cell, the plugin published once.
beforeAll(async () => {
  await runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), ['run', 'janus:build', '--skip-nx-cache'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  await Promise.all([npmRegistry.start(), imageRegistry.start()]);
  await runCommand('npm', ['publish', '--access', 'public', '--loglevel=error'], { cwd: join(REPO_ROOT, 'dist/libs/janus'), env: npmRegistry.npmEnv() });
  await npmRegistry.publishDecoyJanus(DECOY_VERSION);
  version = JSON.parse(readFileSync(join(REPO_ROOT, 'dist/libs/janus/package.json'), 'utf8')).version;
});

afterAll(async () => {
  // Everything the cells made under the registry's name: the builds' platform images and the pulled one.
  await removeImages(`${imageRegistry.host}/*`, `${imageRegistry.host}/*/*`);
  await Promise.all([npmRegistry.stop(), imageRegistry.stop()]);
  for (const workspace of FreshWorkspace.made) workspace.remove();
});

/**
 * What every cell proves, cheaply: the generator runs, the installed plugin infers the targets, lint and
 * sync:check pass, and one amd64 build succeeds, all under that cell's Nx and Node.
 */
async function cheapCell(ws: FreshWorkspace, project: string): Promise<void> {
  await ws.nx(['g', 'janus:baseline', project, '--no-interactive']);
  await ws.commit(`${project}`);
  const shown = JSON.parse((await ws.nx(['show', 'project', project, '--json'])).stdout) as { targets: Record<string, { executor?: string }> };
  expect(Object.fromEntries(Object.entries(shown.targets).map(([name, t]) => [name, t.executor]))).toMatchObject({
    'dockerfile-lint': 'janus:dockerfile-lint',
    'docker-build': 'janus:docker-build',
  });
  expect(stripVTControlCharacters((await ws.nx(['run', `${project}:dockerfile-lint`, '--skip-nx-cache'])).stdout)).toMatch(/Dockerfile: no findings/);
  expect((await ws.nx(['sync:check'])).code).toBe(0);
  await ws.nx(['run', `${project}:docker-build`, '--platforms=linux/amd64', '--skip-nx-cache']);
  const built = ws.json<BuildRecord>(`dist/docker/${project}/metadata.json`);
  expect(built.platforms.map((p) => p.platform)).toEqual(['linux/amd64']);
  await removeImages(...built.platforms.map((p) => p.imageId));
}

describe(`the published janus plugin, the whole path on Nx ${NEWEST_NX.nx}, Node ${process.versions.node}`, () => {
  const workspace = new FreshWorkspace(npmRegistry, NEWEST_NX);
  const ws = workspace.dir;
  const { nx, json, git } = workspace;
  let record: BuildRecord | undefined;
  let server: StartedContainer | undefined;

  beforeAll(() => workspace.create(imageRegistry.host));

  afterAll(async () => {
    await server?.remove();
    for (const p of record?.platforms ?? []) await removeImages(p.imageId);
    workspace.remove();
  });

  it("is what the README's `nx add @janus-containers/nx` installs, with `janus` naming it, never the unrelated public `janus`", async () => {
    // The registry also serves an unrelated `janus` with a higher version, as the public registry does.
    const decoy = await runCommand('npm', ['view', 'janus', 'version'], { cwd: ws, env: npmRegistry.npmEnv() });
    expect(decoy.stdout.trim()).toBe(DECOY_VERSION);

    // The command as the README's install section gives it, word for word, so the README cannot drift from what is proven.
    const readmeInstall = /^npx nx (add \S+)/m.exec(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
    expect(readmeInstall?.[1]).toBe(`add ${PACKAGE}`);
    await nx(readmeInstall![1].split(' '));
    const devDependencies = json<{ devDependencies: Record<string, string> }>('package.json').devDependencies;
    expect(devDependencies[PACKAGE]).toMatch(new RegExp(`^\\^?${version.replace(/\./g, '\\.')}$`));
    expect(json<{ name: string; version: string }>(`node_modules/${PACKAGE}/package.json`)).toMatchObject({ name: PACKAGE, version });
    // `janus` is the workspace's own alias (init wrote it, npm linked it), not the public package.
    expect(devDependencies.janus).toBe('file:tools/janus-alias');
    expect(realpathSync(join(ws, 'node_modules/janus'))).toBe(realpathSync(join(ws, 'tools/janus-alias')));
    expect(JSON.stringify(json('package-lock.json'))).not.toContain(`janus-${DECOY_VERSION}.tgz`);
    // The lock file pins the published tarball's integrity, so a later `npm ci` installs exactly this package
    // (it records no tarball URL where npm's omit-lockfile-registry-resolved is on, as here).
    const published = (await runCommand('npm', ['view', `${PACKAGE}@${version}`, 'dist.integrity'], { cwd: ws, env: npmRegistry.npmEnv() })).stdout.trim();
    expect(json<{ packages: Record<string, { integrity?: string }> }>('package-lock.json').packages[`node_modules/${PACKAGE}`]?.integrity).toBe(published);
    // Its init generator registered the inference plugin, under the name the alias gives it.
    expect(json<{ plugins: unknown }>('nx.json').plugins).toEqual([{ plugin: 'janus/plugin', options: {} }]);
    const installed = join(ws, 'node_modules', PACKAGE);
    expect(existsSync(join(installed, 'templates/partials/healthcheck.hbs'))).toBe(true);
    // Files without the .hbs suffix (verbatim sources) ship too, and so does the generated README.
    expect(existsSync(join(installed, 'templates/baseline/app/wire.py'))).toBe(true);
    expect(readFileSync(join(installed, 'README.md'), 'utf8')).toMatch(/### `janus:docker-push`/);
  });

  it('generates a baseline with `nx g janus:baseline` in a workspace without TypeScript', async () => {
    await nx(['g', 'janus:baseline', 'my-agent', '--no-interactive']);
    const dockerfile = readFileSync(join(ws, 'apps/my-agent/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(existsSync(join(ws, 'apps/my-agent/app/main.py'))).toBe(true);
    // The project carries no targets of its own: the installed plugin infers them from janus.json.
    expect(json<{ targets?: object }>('apps/my-agent/project.json').targets ?? {}).toEqual({});
    const shown = await nx(['show', 'project', 'my-agent', '--json']);
    const targets = (JSON.parse(shown.stdout) as { targets: Record<string, { executor?: string; options?: Record<string, unknown> }> }).targets;
    expect(Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, t.executor]))).toMatchObject({
      'dockerfile-lint': 'janus:dockerfile-lint',
      'docker-build': 'janus:docker-build',
      'contract-test': 'janus:contract-test',
      'docker-push': 'janus:docker-push',
      'docker-run': 'janus:docker-run',
    });
    expect(targets['docker-build'].options?.registry).toBe(imageRegistry.host);
    await workspace.commit('a fresh workspace with janus');
  });

  it('runs the pipeline from the package: lint, multi-arch build, contract and push, as CI does', async () => {
    const result = await nx(['run-many', '-t', 'docker-build', 'contract-test', 'docker-push', '-c', 'ci', '--output-style=stream']);
    // Nx colours its output when it thinks a terminal or CI is watching; judge the text only.
    const output = stripVTControlCharacters(result.stdout);
    // docker-build lints its Dockerfile in-process, with the dockerfile-lint target's options, before building.
    expect(output).toMatch(/apps\/my-agent\/Dockerfile: no lint findings/);
    expect(output).toMatch(/12\/12 checks passed/);
    // docker-push's own record holds what it published; docker-build's holds what was built.
    const published = json<PublishRecord>('dist/docker-push/my-agent/publish.json');
    record = { ...json<BuildRecord>('dist/docker/my-agent/metadata.json'), indexDigest: published.indexDigest };
    const sha = (await git(['rev-parse', '--short=7', 'HEAD'])).stdout.trim();
    expect(record).toMatchObject({ image: `${imageRegistry.host}/my-agent`, keepImagesIn: 'registry', pushed: false, tags: ['main', 'latest', `sha-${sha}`] });
    expect(published).toMatchObject({ image: record.image, tags: record.tags });
    expect(record.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(record.indexDigest).toMatch(/^sha256:[a-f0-9]{64}$/);

    // Every release tag is the one manifest list over both platforms; the staging tags hold the platform images.
    const registryUrl = `http://127.0.0.1:${imageRegistry.port}/v2/my-agent`;
    const listed = (await (await fetch(`${registryUrl}/tags/list`)).json()) as { tags: string[] };
    expect(listed.tags.filter((t) => !t.startsWith('build-')).sort()).toEqual([...record.tags].sort());
    expect(listed.tags.filter((t) => t.startsWith('build-'))).toHaveLength(2);
    for (const tag of record.tags) {
      const res = await fetch(`${registryUrl}/manifests/${tag}`, { headers: { accept: INDEX_TYPES.join(', ') } });
      expect(res.headers.get('docker-content-digest')).toBe(record.indexDigest);
      const list = (await res.json()) as { manifests: Array<{ digest: string; platform: { architecture: string } }> };
      expect((imageEntries(list.manifests) as typeof list.manifests).map((m) => [m.platform.architecture, m.digest])).toEqual(
        record.platforms.map((p) => [p.platform.split('/')[1], p.digest]),
      );
    }
  });

  it('pulls the pushed image by digest, runs it, and answers the official openai client, streaming and not', async () => {
    expect(record?.indexDigest).toBeDefined();
    const reference = `${imageRegistry.host}/my-agent@${record!.indexDigest}`;
    // Nothing local may stand in for the pull: the tags the build left in this engine go first.
    for (const p of record!.platforms) await removeImages(p.imageId);
    await runCommand('docker', ['pull', reference]);
    server = await startContainer(reference, { containerPort: 8080 });
    const ready = await waitUntilReady(server, 30);
    expect(ready.detail ?? '').toBe('');
    expect(ready.ok).toBe(true);

    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'published-e2e', maxRetries: 0, timeout: 30_000 });
    const models = await client.models.list();
    const model = models.data[0]?.id;
    expect(model).toBeTruthy();
    const completion = await client.chat.completions.create({ model: model!, messages: [{ role: 'user', content: 'hello from the published path' }] });
    const answer = completion.choices[0]?.message.content ?? '';
    expect(answer).toContain('hello from the published path');

    const stream = await client.chat.completions.create({
      model: model!,
      messages: [{ role: 'user', content: 'hello from the published path' }],
      stream: true,
    });
    let streamed = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      streamed += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(chunks).toBeGreaterThan(1);
    expect(streamed).toBe(answer);
  });

  it('rejects bad input there too, writing nothing', async () => {
    await expect(nx(['g', 'janus:baseline', 'Bad Name', '--no-interactive'])).rejects.toThrow(/name/);
    expect(existsSync(join(ws, 'apps/Bad Name'))).toBe(false);
  });

  // The other Node majors share this workspace's install (nothing in it depends on the Node ABI): only the
  // node on PATH changes, and each makes a project of its own, so no Nx cache stands in for its work.
  it.each([22, 24])('generates, infers, lints, syncs and builds for amd64 under Node %i', async (major) => {
    workspace.nodeBin = await nodeBinDir(major);
    try {
      expect(stripVTControlCharacters((await nx(['report'])).stdout)).toMatch(new RegExp(`Node\\s*:\\s*${major}\\.`));
      await cheapCell(workspace, `agent-node${major}`);
    } finally {
      workspace.nodeBin = undefined;
    }
  });
});

describe(`the published janus plugin on the oldest supported Nx, ${OLDEST_NX.nx}`, () => {
  const workspace = new FreshWorkspace(npmRegistry, OLDEST_NX);
  afterAll(() => workspace.remove());

  // One npm install for Nx and the plugin (the Nx 24 cell proves `nx add`); its init then checks this Nx and
  // writes the `janus` alias, which its install links.
  it('installs beside it, then inits, generates, infers, lints, syncs and builds for amd64', async () => {
    await workspace.create(imageRegistry.host, version);
    await workspace.nx(['g', `${PACKAGE}:init`, '--no-interactive']);
    expect(workspace.json<{ version: string }>(`node_modules/${PACKAGE}/package.json`).version).toBe(version);
    expect(realpathSync(join(workspace.dir, 'node_modules/janus'))).toBe(realpathSync(join(workspace.dir, 'tools/janus-alias')));
    // The dependency on @nx/devkit is met by the workspace's own, not a second (newer) copy.
    expect(existsSync(join(workspace.dir, `node_modules/${PACKAGE}/node_modules/@nx/devkit`))).toBe(false);
    await cheapCell(workspace, 'agent');
  });
});
