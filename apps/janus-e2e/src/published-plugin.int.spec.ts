import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { runCommand } from '../../../libs/janus/src/process/run-command';
import { Verdaccio } from './verdaccio';
import { dockerClient } from '../../../libs/janus/src/engine/docker-client';

const REPO_ROOT = join(__dirname, '../../..');
const NX_VERSION = '23.2.1';

// The plugin as users get it: built, published to a real npm registry (verdaccio), installed into a fresh
// workspace that has never seen this repository, and run there with `nx g janus:baseline`.
describe('the published janus plugin', () => {
  const registry = new Verdaccio();
  const ws = mkdtempSync(join(tmpdir(), 'janus-fresh-ws-'));

  beforeAll(async () => {
    await runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), ['run', 'janus:build', '--skip-nx-cache'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    await registry.start();
    await runCommand('npm', ['publish', '--access', 'public', '--loglevel=error'], { cwd: join(REPO_ROOT, 'dist/libs/janus'), env: registry.npmEnv() });
    const version = JSON.parse(readFileSync(join(REPO_ROOT, 'dist/libs/janus/package.json'), 'utf8')).version;
    writeFileSync(
      join(ws, 'package.json'),
      JSON.stringify({ name: 'fresh', private: true, devDependencies: { nx: NX_VERSION, '@nx/devkit': NX_VERSION, janus: version } }, null, 2),
    );
    writeFileSync(join(ws, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2));
    await runCommand('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ws, env: registry.npmEnv() });
  });

  afterAll(async () => {
    await registry.stop();
    rmSync(ws, { recursive: true, force: true });
  });

  it('installs from the registry with its templates', () => {
    expect(existsSync(join(ws, 'node_modules/janus/templates/partials/healthcheck.hbs'))).toBe(true);
    // Files without the .hbs suffix (verbatim sources) ship too.
    expect(existsSync(join(ws, 'node_modules/janus/templates/baseline/app/wire.py'))).toBe(true);
    expect(existsSync(join(ws, 'node_modules/janus/src/generators/baseline/generator.js'))).toBe(true);
  });

  it('generates a baseline with `nx g janus:baseline` in a workspace without TypeScript', async () => {
    await runCommand(join(ws, 'node_modules/.bin/nx'), ['g', 'janus:baseline', 'my-agent', '--no-interactive'], {
      cwd: ws,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    const dockerfile = readFileSync(join(ws, 'apps/my-agent/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(existsSync(join(ws, 'apps/my-agent/app/main.py'))).toBe(true);
    // The project carries no targets of its own: the installed plugin infers them from janus.json.
    expect(JSON.parse(readFileSync(join(ws, 'apps/my-agent/project.json'), 'utf8')).targets ?? {}).toEqual({});
    expect(JSON.parse(readFileSync(join(ws, 'nx.json'), 'utf8')).plugins).toEqual([{ plugin: 'janus/plugin', options: {} }]);
    const shown = await runCommand(join(ws, 'node_modules/.bin/nx'), ['show', 'project', 'my-agent', '--json'], {
      cwd: ws,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    const targets = (JSON.parse(shown.stdout) as { targets: Record<string, { executor?: string }> }).targets;
    expect(Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, t.executor]))).toMatchObject({
      'dockerfile-lint': 'janus:dockerfile-lint',
      'docker-build': 'janus:docker-build',
      'contract-test': 'janus:contract-test',
      'docker-push': 'janus:docker-push',
      'docker-run': 'janus:docker-run',
    });
  });

  it('runs its executors from the package: lint, multi-arch build and the contract', async () => {
    const result = await runCommand(join(ws, 'node_modules/.bin/nx'), ['run', 'my-agent:contract-test', '--output-style=stream'], {
      cwd: ws,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    // Nx colours its output when it thinks a terminal or CI is watching; judge the text only.
    const output = stripVTControlCharacters(result.stdout);
    // docker-build lints its Dockerfile in-process, with the dockerfile-lint target's options, before building.
    expect(output).toMatch(/apps\/my-agent\/Dockerfile: no lint findings/);
    expect(output).toMatch(/12\/12 checks passed/);
    const metadata = JSON.parse(readFileSync(join(ws, 'dist/docker/my-agent/metadata.json'), 'utf8'));
    expect(metadata.platforms.map((p: { platform: string }) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    for (const p of metadata.platforms)
      await dockerClient()
        .getImage(p.imageId)
        .remove({ force: true })
        .catch(() => undefined);
  });

  it('rejects bad input there too, writing nothing', async () => {
    await expect(
      runCommand(join(ws, 'node_modules/.bin/nx'), ['g', 'janus:baseline', 'Bad Name', '--no-interactive'], {
        cwd: ws,
        env: { ...process.env, NX_DAEMON: 'false' },
      }),
    ).rejects.toThrow(/name/);
    expect(existsSync(join(ws, 'apps/Bad Name'))).toBe(false);
  });
});
