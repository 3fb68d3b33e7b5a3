import { logger } from '@nx/devkit';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executorContext } from '../../../../../janus-testing/src/executor-context';
import dockerBuildExecutor from '../executor';
import { lintBeforeBuild } from './lint-before-build';
import { normalizeOptions } from './normalize-options';

const DEMO = join(__dirname, '../../../../../../apps/demo-agent');

// The build runs the dockerfile-lint rules itself, configured like the project's dockerfile-lint target, so
// docker-build needs no second Nx task in front of it and still never builds a Dockerfile that target rejects.
describe('docker-build lints before it builds', () => {
  let ws: string;
  let errors: string[];
  const env = process.env;
  const context = (lintOptions?: Record<string, unknown>) => {
    const ctx = executorContext(ws, 'app', 'apps/app');
    if (lintOptions) ctx.projectsConfigurations!.projects.app.targets = { 'dockerfile-lint': { executor: 'janus:dockerfile-lint', options: lintOptions } };
    return ctx;
  };

  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'janus-lint-build-'));
    mkdirSync(join(ws, 'apps/app'), { recursive: true });
    writeFileSync(join(ws, 'apps/app/Dockerfile'), readFileSync(join(DEMO, 'Dockerfile')));
    writeFileSync(join(ws, 'apps/app/.dockerignore'), readFileSync(join(DEMO, '.dockerignore')));
    process.env = { ...env, JANUS_GIT_SHA: '0123456789abcdef', JANUS_GIT_BRANCH: 'main' };
    errors = [];
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: string) => void errors.push(m));
  });
  afterEach(() => {
    rmSync(ws, { recursive: true, force: true });
    process.env = env;
    jest.restoreAllMocks();
  });

  it('passes the generated Dockerfile with its lint target options', async () => {
    const o = await normalizeOptions({}, context({ port: 8080 }));
    expect(o.lint).toEqual({ port: 8080, ignore: undefined, dockerignore: undefined });
    expect(() => lintBeforeBuild(o)).not.toThrow();
  });

  it('fails the build on findings before the engine is asked for anything, naming each', async () => {
    // Port 9090 is what the lint target expects; the Dockerfile exposes 8080.
    const result = await dockerBuildExecutor({ platforms: 'linux/amd64', registry: '' }, context({ port: 9090 }));
    expect(result.success).toBe(false);
    expect(errors.join('\n')).toMatch(/apps\/app\/Dockerfile:\d+ JD003 expose-port: /);
    expect(errors.join('\n')).toMatch(/apps\/app\/Dockerfile has 1 lint finding, so nothing was built; .* --lint=false/);
  });

  it("honours the lint target's ignore and dockerignore options, and --lint=false", async () => {
    rmSync(join(ws, 'apps/app/.dockerignore'));
    await expect(normalizeOptions({}, context({ port: 8080 })).then(lintBeforeBuild)).rejects.toThrow(/1 lint finding/);
    writeFileSync(join(ws, 'shared.dockerignore'), readFileSync(join(DEMO, '.dockerignore')));
    await expect(normalizeOptions({}, context({ port: 8080, dockerignore: '../../shared.dockerignore' })).then(lintBeforeBuild)).resolves.toBeUndefined();
    const ignored = await normalizeOptions({}, context({ port: 8080, ignore: ['JD010'] }));
    expect(() => lintBeforeBuild(ignored)).not.toThrow();
    expect((await normalizeOptions({ lint: false }, context({ port: 8080 }))).lint).toBe(false);
  });

  it('reads .hadolint.yaml as the lint target does, and a note never fails the build', async () => {
    rmSync(join(ws, 'apps/app/.dockerignore'));
    writeFileSync(join(ws, '.hadolint.yaml'), 'ignored:\n  - JD010\n');
    await expect(normalizeOptions({}, context({ port: 8080 })).then(lintBeforeBuild)).resolves.toBeUndefined();
    rmSync(join(ws, '.hadolint.yaml'));
    writeFileSync(join(ws, 'apps/app/.dockerignore'), readFileSync(join(DEMO, '.dockerignore')));
    writeFileSync(join(ws, 'apps/app/Dockerfile'), readFileSync(join(ws, 'apps/app/Dockerfile'), 'utf8') + 'ONBUILD RUN true\n');
    await expect(normalizeOptions({}, context({ port: 8080 })).then(lintBeforeBuild)).resolves.toBeUndefined();
  });
});
