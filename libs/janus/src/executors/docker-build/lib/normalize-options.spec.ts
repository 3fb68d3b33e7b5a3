import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../process/run-command';
import { executorContext } from '../../../../../janus-testing/src/executor-context';
import { initGitRepo } from '../../../../../janus-testing/src/git-repo';
import { layerCacheFor, normalizeOptions } from './normalize-options';

describe('docker-build options', () => {
  let ws: string;
  const ctx = () => executorContext(ws, 'app', 'apps/app');
  const env = process.env;

  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'janus-norm-'));
    mkdirSync(join(ws, 'apps/app'), { recursive: true });
    writeFileSync(join(ws, 'apps/app/Dockerfile'), 'FROM python:3.11-slim\n');
    // Whatever machine runs the specs: its own build settings (tools/this-machine.env) are not the ones under test.
    const { JANUS_BUILD_NETWORK: _n, JANUS_NPM_REGISTRY: _r, JANUS_NPM_CA_FILE: _c, ...rest } = env;
    process.env = { ...rest, JANUS_GIT_SHA: '0123456789abcdef', JANUS_GIT_BRANCH: 'main' };
  });
  afterEach(() => {
    rmSync(ws, { recursive: true, force: true });
    process.env = env;
  });

  /** A context whose nx.json gives the janus plugin these options, as a workspace's would. */
  const withPlugin = (options: Record<string, unknown>) => ({
    ...ctx(),
    nxJsonConfiguration: { plugins: [{ plugin: 'janus/plugin', options }] },
  });

  it('defaults to both platforms, no registry (images stay in the engine) and the project root', async () => {
    const o = await normalizeOptions({}, ctx());
    expect(o.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(o.registry).toBe('');
    expect(o.repository).toBe('app');
    expect(o.keepImagesIn).toBe('engine');
    expect(o.network).toBeUndefined();
    expect(o.secrets).toEqual([]);
    expect(o.context).toBe(join(ws, 'apps/app'));
    expect(o.file).toBe(join(ws, 'apps/app/Dockerfile'));
    expect(o.primaryTag).toBe('sha-0123456');
    expect(o.sizeBudgetMb).toBe(500);
    expect(o.outputPath).toBe(join(ws, 'dist/docker/app'));
  });

  it("tags for the workspace's registry (nx.json), unless the target names its own", async () => {
    expect((await normalizeOptions({}, withPlugin({ registry: 'ghcr.io' }))).repository).toBe('ghcr.io/app');
    expect((await normalizeOptions({ registry: 'localhost:5000' }, withPlugin({ registry: 'ghcr.io' }))).repository).toBe('localhost:5000/app');
    expect((await normalizeOptions({ registry: '' }, withPlugin({ registry: 'ghcr.io' }))).repository).toBe('app');
  });

  it.each([
    [
      { push: true },
      /'push' = true needs a registry to push to, and none is set for app:docker-build: set "registry" in the janus plugin options in nx\.json \(nx g janus:init --registry=<host\[:port\]>/,
    ],
    [{ keepImagesIn: 'registry' }, /'keepImagesIn' = "registry" needs a registry to keep the images in, and none is set for app:docker-build/],
    [{ cacheTo: 'registry' }, /'cacheTo' = "registry" needs a registry to keep the cache in, and none is set/],
  ])('names the target, the option and how to set a registry when %j needs one and none is set', async (options, message) => {
    await expect(normalizeOptions(options as never, { ...ctx(), targetName: 'docker-build' })).rejects.toThrow(message);
  });

  // 'stage' is keepImagesIn's old name: still honoured (Nx prints its deprecation from schema.json), never in conflict.
  it("takes the deprecated 'stage' as keepImagesIn, and refuses it when keepImagesIn says otherwise", async () => {
    const registry = { registry: 'localhost:5000' };
    expect((await normalizeOptions({ ...registry, stage: 'registry' }, ctx())).keepImagesIn).toBe('registry');
    expect((await normalizeOptions({ ...registry, stage: 'registry', keepImagesIn: 'registry' }, ctx())).keepImagesIn).toBe('registry');
    await expect(normalizeOptions({ ...registry, stage: 'engine', keepImagesIn: 'registry' }, ctx())).rejects.toThrow(
      /'stage' = "engine": 'stage' is the old name of 'keepImagesIn', which says "registry"; keep only 'keepImagesIn'/,
    );
  });

  describe("the machine's build settings", () => {
    const registryDockerfile = 'FROM node:20-slim\nARG NPM_REGISTRY\nRUN npm install ${NPM_REGISTRY:+--registry "$NPM_REGISTRY"} x\n';

    it('are none by default: no network override, no CA secret, no registry build arg', async () => {
      writeFileSync(join(ws, 'apps/app/Dockerfile'), registryDockerfile);
      const o = await normalizeOptions({}, ctx());
      expect([o.network, o.secrets, o.buildArgs]).toEqual([undefined, [], {}]);
    });

    it("come from the environment, over the plugin options, with the target's own options over both", async () => {
      writeFileSync(join(ws, 'apps/app/Dockerfile'), registryDockerfile);
      writeFileSync(join(ws, 'ca.pem'), 'PEM');
      const plugin = withPlugin({ buildNetwork: 'none', npmRegistry: 'https://npm.example/', npmCaFile: 'ca.pem' });
      const fromPlugin = await normalizeOptions({}, plugin);
      expect(fromPlugin.network).toBe('none');
      expect(fromPlugin.buildArgs).toEqual({ NPM_REGISTRY: 'https://npm.example/' });
      expect(fromPlugin.secrets.map((s) => s.spec)).toEqual([`id=npm-ca,src=${join(ws, 'ca.pem')}`]);

      process.env.JANUS_BUILD_NETWORK = 'host';
      process.env.JANUS_NPM_REGISTRY = 'http://127.0.0.1:4873/';
      const fromEnv = await normalizeOptions({}, plugin);
      expect([fromEnv.network, fromEnv.buildArgs.NPM_REGISTRY]).toEqual(['host', 'http://127.0.0.1:4873/']);

      writeFileSync(join(ws, 'mine.pem'), 'MINE');
      const own = await normalizeOptions({ network: 'default', buildArgs: { NPM_REGISTRY: 'https://own/' }, secrets: ['id=npm-ca,src=mine.pem'] }, plugin);
      expect([own.network, own.buildArgs.NPM_REGISTRY, own.secrets.map((s) => s.value)]).toEqual(['default', 'https://own/', ['MINE']]);
    });

    it('pass the npm registry only to a Dockerfile that declares NPM_REGISTRY', async () => {
      process.env.JANUS_NPM_REGISTRY = 'http://127.0.0.1:4873/';
      expect((await normalizeOptions({}, ctx())).buildArgs).toEqual({});
    });

    it.each([
      [
        'JANUS_NPM_CA_FILE',
        '/nowhere/ca.pem',
        /JANUS_NPM_CA_FILE = "\/nowhere\/ca.pem": no file at \/nowhere\/ca.pem; point it at the PEM bundle npm must trust, or unset it/,
      ],
      ['JANUS_BUILD_NETWORK', 'bridge', /JANUS_BUILD_NETWORK = "bridge": must be one of default, host, none/],
      ['JANUS_NPM_REGISTRY', 'registry.local', /JANUS_NPM_REGISTRY = "registry.local": must be an http\(s\) URL/],
    ])('refuse %s = %s before the build starts, naming the variable and the value', async (name, value, message) => {
      process.env[name] = value;
      await expect(normalizeOptions({}, ctx())).rejects.toThrow(message);
    });

    it('refuse a CA file named in nx.json that is missing, naming the option', async () => {
      await expect(normalizeOptions({}, withPlugin({ npmCaFile: 'certs/ca.pem' }))).rejects.toThrow(
        /nx\.json janus plugin option 'npmCaFile' = "certs\/ca.pem": no file at .*certs\/ca.pem/,
      );
    });
  });

  it('takes options the way Nx passes them from a command line', async () => {
    writeFileSync(join(ws, 'token.txt'), 't0ken');
    const o = await normalizeOptions({ buildArgs: { VERSION: 123 as never, DEBUG: true as never }, secrets: ['id=tok', 'src=token.txt'] }, ctx());
    expect(o.buildArgs).toEqual({ VERSION: '123', DEBUG: 'true' });
    expect(o.secrets.map((s) => [s.id, s.value])).toEqual([['tok', 't0ken']]);
  });

  it('keeps absolute output paths and stamps created with a stable time', async () => {
    const o = await normalizeOptions({ outputPath: '/tmp/janus-out' }, ctx());
    expect(o.outputPath).toBe('/tmp/janus-out');
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    expect((await normalizeOptions({}, ctx())).labels['org.opencontainers.image.created']).toBe('2023-11-14T22:13:20.000Z');
  });

  it('builds the stage --targetStage names, as target does in project.json', async () => {
    writeFileSync(join(ws, 'apps/app/Dockerfile'), 'FROM python:3.11-slim AS prod\n');
    expect((await normalizeOptions({ targetStage: 'prod' }, ctx())).target).toBe('prod');
    expect((await normalizeOptions({ target: 'prod' }, ctx())).target).toBe('prod');
  });

  it('allows the workspace root as context with the project Dockerfile', async () => {
    const o = await normalizeOptions({ context: '.', file: 'apps/app/Dockerfile' }, ctx());
    expect(o.context).toBe(ws);
  });

  it.each([
    ['unknown platform', { platforms: 'linux/amd64,windows/amd64' }, /'platforms.1' = "windows\/amd64": must be one of "linux\/amd64", "linux\/arm64"/],
    ['missing Dockerfile', { file: 'apps/app/Nope.Dockerfile' }, /'file' = "apps\/app\/Nope.Dockerfile": no Dockerfile at/],
    ['missing secret source', { secrets: ['id=npmrc,src=missing/.npmrc'] }, /'secrets' = "id=npmrc,src=missing\/.npmrc": the source file .* does not exist/],
    ['malformed secret', { secrets: ['npmrc'] }, /'secrets' = "npmrc": field "npmrc" is not key=value; a secret looks like id=<name>,src=<file>/],
    [
      'secret as a build arg',
      { buildArgs: { NPM_TOKEN: 'abc' } },
      /'buildArgs.NPM_TOKEN' = \(value not shown: its name looks secret\): secret-looking build args/,
    ],
    ['bad size budget', { sizeBudgetMb: 0 }, /'sizeBudgetMb' = 0: must be a positive number/],
    ['unknown engine', { engine: 'kaniko' }, /'engine' = "kaniko": must be one of "auto", "buildx", "docker", "podman"/],
    ['invalid extra tag', { tags: ['no spaces'] }, /'tags.0' = "no spaces": must be a valid tag/],
    ['push without a registry', { push: true, registry: '' }, /'push' = true needs a registry to push to, and none is set/],
    ['a registry that is not a host', { registry: 'not a host' }, /'registry' = "not a host": must be a registry host\[:port\]/],
    ['a build arg name that is not one', { buildArgs: { 'bad-name': 'x' } }, /'buildArgs.bad-name' = .*build arg names are letters, digits and _/],
    ['a secret-looking label', { labels: { API_TOKEN: 'abc' } }, /'labels.API_TOKEN' = \(value not shown: its name looks secret\): secret-looking labels/],
    ['a target the Dockerfile does not have', { target: 'nope' }, /'target' = "nope": the Dockerfile has no stage of that name/],
    ['a directory as the Dockerfile', { file: 'apps/app' }, /'file' = "apps\/app": .* is a directory; give the Dockerfile's path/],
    ['a directory as a secret source', { secrets: ['id=x,src=apps'] }, /'secrets' = "id=x,src=apps": the source .*apps is not a file/],
    // `nx run` swallows --target (it names the Nx target), so the command line says --targetStage.
    ['a stage the Dockerfile does not have', { targetStage: 'nope' }, /'targetStage' = "nope": the Dockerfile has no stage of that name/],
    ['stage and target naming different stages', { targetStage: 'a', target: 'b' }, /'targetStage' = "a": differs from 'target' = "b"/],
    ['an outputPath that is a file', { outputPath: 'apps/app/Dockerfile' }, /'outputPath' = "apps\/app\/Dockerfile": .*Dockerfile is a file; give a directory/],
    [
      'an outputPath below a file',
      { outputPath: '/etc/hostname/x' },
      /'outputPath' = "\/etc\/hostname\/x": \/etc\/hostname is a file, so .* cannot be created/,
    ],
  ])('rejects %s', async (_label, options, message) => {
    await expect(normalizeOptions(options as never, ctx())).rejects.toThrow(message);
  });

  it("'revisionFrom: inputs' labels the image with the last commit that changed the project, not HEAD", async () => {
    delete process.env.JANUS_GIT_SHA;
    const changed = await initGitRepo(ws);
    mkdirSync(join(ws, 'docs'));
    writeFileSync(join(ws, 'docs/notes.md'), 'later');
    await runCommand('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'add', '-A'], { cwd: ws });
    await runCommand('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-q', '-m', 'unrelated'], { cwd: ws });
    const head = (await runCommand('git', ['rev-parse', 'HEAD'], { cwd: ws })).stdout.trim();
    expect(head).not.toBe(changed);
    const byInputs = await normalizeOptions({ revisionFrom: 'inputs', deriveTags: false, tags: ['1'] }, ctx());
    expect(byInputs.labels['org.opencontainers.image.revision']).toBe(changed);
    const byHead = await normalizeOptions({ deriveTags: false, tags: ['1'] }, ctx());
    expect(byHead.labels['org.opencontainers.image.revision']).toBe(head);
  });
});

describe('layer cache defaults', () => {
  const tags = [
    { tag: 'feature-x', rule: 'branch' as const },
    { tag: 'sha-0123456', rule: 'sha' as const },
  ];
  const base = { cacheTo: 'inline' as const, noCache: false, registry: 'localhost:5000' };

  it("reads the default branch's latest and this branch's tag, and exports inline", () => {
    expect(layerCacheFor(base, 'localhost:5000/app', tags, { sha: 'x', defaultBranch: 'main' })).toEqual({
      from: ['localhost:5000/app:latest', 'localhost:5000/app:feature-x'],
      inline: true,
      registryRef: undefined,
      write: true,
    });
  });

  it('lets a pull request read the registry cache but never write it', () => {
    const pr = layerCacheFor({ ...base, cacheTo: 'registry' }, 'localhost:5000/app', [], { sha: 'x', defaultBranch: 'main', prNumber: 7 });
    expect(pr).toMatchObject({ from: ['localhost:5000/app:latest'], registryRef: 'localhost:5000/app:buildcache', write: false });
  });

  it('uses none without a registry or with noCache, and exactly the images given', () => {
    expect(layerCacheFor({ ...base, registry: '', cacheTo: 'none' }, 'app', tags, { sha: '', defaultBranch: 'main' })).toBeUndefined();
    expect(layerCacheFor({ ...base, noCache: true }, 'localhost:5000/app', tags, { sha: '', defaultBranch: 'main' })).toBeUndefined();
    expect(layerCacheFor({ ...base, cacheFrom: ['ghcr.io/acme/app:main'] }, 'localhost:5000/app', tags, { sha: '', defaultBranch: 'main' })?.from).toEqual([
      'ghcr.io/acme/app:main',
    ]);
  });
});
