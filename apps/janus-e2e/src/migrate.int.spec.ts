import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { runCommand } from '../../../libs/janus/src/process/run-command';
import { renderBaselineTo } from '../../../libs/janus-testing/src/render-baseline';
import { ensurePluginBuilt } from '../../../tools/plugin-build/build-plugin';
import { Verdaccio } from './verdaccio';
import { REPO_ROOT } from '../../../tools/repo-root';

const NX_VERSION = '23.2.1';
const OLD_PROJECT_JSON = join(REPO_ROOT, 'libs/janus/src/migrations/0-2-0/__fixtures__/project-json-0.1.0.json');

// `nx migrate janus@<new>` in a workspace made with the previous release, both installed from a real npm
// registry. The previous release stands in as this build published under 0.1.0 without migrations (Nx only
// compares versions); the workspace holds what 0.1.0's generator really wrote: the target block in project.json
// (the fixture is apps/demo-agent/project.json as of 2ed8fe6^) and no plugin in nx.json.
describe('nx migrate janus from the previous release', () => {
  const registry = new Verdaccio();
  const ws = mkdtempSync(join(tmpdir(), 'janus-migrate-ws-'));
  const previous = mkdtempSync(join(tmpdir(), 'janus-previous-'));
  // NX_MIGRATE_USE_LOCAL: run the workspace's nx 23.2.1 rather than fetch nx@latest (24, which has no matching
  // @nx packages here, and whose provenance check needs the public registry's attestations).
  const env = () => ({ ...registry.npmEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_INTERACTIVE: 'false', NX_MIGRATE_USE_LOCAL: 'true' });
  const nx = (args: string[]) => runCommand(join(ws, 'node_modules/.bin/nx'), args, { cwd: ws, env: env() });
  const json = <T>(path: string) => JSON.parse(readFileSync(join(ws, path), 'utf8')) as T;
  let current = '';

  beforeAll(async () => {
    const { packageRoot } = ensurePluginBuilt({ link: false, log: () => undefined });
    current = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
    await registry.start();
    cpSync(packageRoot, previous, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(previous, 'package.json'), 'utf8')) as Record<string, unknown>;
    delete manifest['nx-migrations'];
    writeFileSync(join(previous, 'package.json'), JSON.stringify({ ...manifest, version: '0.1.0' }, null, 2));
    rmSync(join(previous, 'migrations.json'), { force: true });
    for (const dir of [previous, packageRoot])
      await runCommand('npm', ['publish', '--access', 'public', '--loglevel=error'], { cwd: dir, env: registry.npmEnv() });

    writeFileSync(
      join(ws, 'package.json'),
      JSON.stringify({ name: 'old', private: true, devDependencies: { nx: NX_VERSION, '@nx/devkit': NX_VERSION, janus: '0.1.0' } }, null, 2),
    );
    writeFileSync(join(ws, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2));
    const project = join(ws, 'apps/demo-agent');
    mkdirSync(project, { recursive: true });
    renderBaselineTo(project, 'plain', 'demo-agent');
    // 0.1.0 rendered the same text without region markers.
    for (const file of ['Dockerfile', '.dockerignore']) {
      writeFileSync(join(project, file), readFileSync(join(project, file), 'utf8').replace(/^# janus:(begin|end) .*\n/gm, ''));
    }
    cpSync(OLD_PROJECT_JSON, join(project, 'project.json'));
    const oldRecord = { template: 'baseline', options: { flavor: 'plain', port: 8080, baseImage: 'python:3.11-slim', uid: 1000 } };
    writeFileSync(join(project, 'janus.json'), JSON.stringify(oldRecord, null, 2));
    await runCommand('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ws, env: registry.npmEnv() });
  });
  afterAll(async () => {
    await registry.stop();
    for (const dir of [ws, previous]) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the shipped migrations: inferred targets instead of the target block, janus:sync registered, region markers added', async () => {
    expect(Object.keys(json<{ targets: object }>('apps/demo-agent/project.json').targets)).toHaveLength(4);
    await nx(['migrate', `janus@${current}`]);
    expect(json<{ devDependencies: Record<string, string> }>('package.json').devDependencies.janus).toBe(current);
    const planned = json<{ migrations: { package: string; name: string; version: string }[] }>('migrations.json').migrations;
    expect(planned.map((m) => `${m.package}:${m.name}@${m.version}`)).toEqual(['janus:inferred-targets@0.2.0', 'janus:managed-regions@0.2.0']);

    await runCommand('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ws, env: registry.npmEnv() });
    const ran = await nx(['migrate', '--run-migrations']);
    expect(stripVTControlCharacters(ran.stdout)).toMatch(/inferred-targets[\s\S]*managed-regions/);

    expect(json<{ targets?: object }>('apps/demo-agent/project.json').targets ?? {}).toEqual({});
    const nxJson = json<{ plugins: unknown[]; sync: { globalGenerators: string[] } }>('nx.json');
    expect(nxJson.plugins).toEqual([{ plugin: 'janus/plugin', options: {} }]);
    expect(nxJson.sync.globalGenerators).toEqual(['janus:sync']);
    const shown = JSON.parse((await nx(['show', 'project', 'demo-agent', '--json'])).stdout) as { targets: Record<string, { executor?: string }> };
    expect(shown.targets['docker-build'].executor).toBe('janus:docker-build');
    expect(shown.targets['contract-test'].executor).toBe('janus:contract-test');
    // The Dockerfile got its markers back, so sync manages it from now on, and it is in step.
    expect(readFileSync(join(ws, 'apps/demo-agent/Dockerfile'), 'utf8')).toMatch(/^# janus:begin healthcheck [0-9a-f]{12}$/m);
    expect((await nx(['sync:check'])).code).toBe(0);
  });
});
