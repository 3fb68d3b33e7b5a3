import { removeImages } from '../../libs/janus-testing/src/test-images';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { runCommand } from '../../libs/janus/src/process/run-command';
import { ensurePluginBuilt } from './build-plugin';
import { REPO_ROOT } from '../repo-root';
import { nxCliEnv } from '../../libs/janus-testing/src/nx-cli-env';

// A copy of this checkout's plugin, run from its sources and then built and linked the way this workspace
// runs it, driven by the real nx CLI: an edit to the sources must never run silently on the previous build.
describe('the workspace build of the plugin', () => {
  const root = mkdtempSync(join(tmpdir(), 'janus-checkout-'));
  const image = `janus-test/plugin-build-${randomBytes(3).toString('hex')}`;
  const build = () => ensurePluginBuilt({ workspaceRoot: root, log: () => undefined });
  const nx = async (args: string[]) => {
    const r = await runCommand(join(root, 'node_modules/.bin/nx'), args, {
      cwd: root,
      env: nxCliEnv(),
    }).catch((e: Error) => ({ code: 1, stdout: e.message, stderr: '' }));
    return { ok: r.code === 0, output: stripVTControlCharacters(`${r.stdout}\n${r.stderr}`) };
  };

  beforeAll(() => {
    cpSync(join(REPO_ROOT, 'libs/janus'), join(root, 'libs/janus'), { recursive: true, filter: (src) => !src.includes('/node_modules') });
    cpSync(join(REPO_ROOT, 'templates'), join(root, 'templates'), { recursive: true });
    cpSync(join(REPO_ROOT, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'checkout', private: true }));
    writeFileSync(join(root, 'nx.json'), JSON.stringify({}));
    mkdirSync(join(root, 'node_modules'));
    for (const entry of readdirSync(join(REPO_ROOT, 'node_modules')).filter((e) => e !== 'janus')) {
      symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(root, 'node_modules', entry));
    }
    cpSync(join(REPO_ROOT, 'apps/demo-agent'), join(root, 'apps/probe'), { recursive: true });
    const targets = {
      'dockerfile-lint': { executor: 'janus:dockerfile-lint', options: { port: 8080 } },
      'docker-build': { executor: 'janus:docker-build', options: { platforms: 'linux/amd64', registry: '', image, deriveTags: false, tags: ['v1'] } },
    };
    writeFileSync(join(root, 'apps/probe/project.json'), JSON.stringify({ name: 'probe', root: 'apps/probe', targets }));
  });
  afterAll(async () => {
    await removeImages(image);
    rmSync(root, { recursive: true, force: true });
  });

  it('runs from its TypeScript sources too, as right after npm ci links node_modules/janus to libs/janus', async () => {
    // Nx compiles a .ts executor only while it loads it: code the plugin loads later must be JavaScript.
    symlinkSync('../libs/janus', join(root, 'node_modules/janus'));
    const fromSource = await nx(['run', 'probe:docker-build', '--output-style=stream']);
    expect(fromSource.output).toContain('apps/probe/Dockerfile: no lint findings');
    expect(fromSource.ok).toBe(true);
  });

  it('builds once, then only when the sources change, and refuses to run a build older than them', async () => {
    expect(build().built).toBe(true);
    expect(build().built).toBe(false);
    const first = await nx(['run', 'probe:dockerfile-lint', '--output-style=stream']);
    expect(first.output).toContain('apps/probe/Dockerfile: no findings');
    expect(first.ok).toBe(true);

    // Every executor and generator parses its options through this module, so its top level runs in each.
    appendFileSync(join(root, 'libs/janus/src/schema/parse-options.ts'), "\nconsole.log('the edited plugin ran');\n");
    for (const args of [
      ['run', 'probe:dockerfile-lint', '--output-style=stream'],
      ['g', 'janus:baseline', 'other', '--no-interactive'],
    ]) {
      const stale = await nx(args);
      expect(stale.ok).toBe(false);
      expect(stale.output).toMatch(
        /older than its sources \(libs\/janus\/src\/schema\/parse-options\.ts \(changed\)\); rebuild it with 'npm run build:plugin'/,
      );
    }

    expect(build().built).toBe(true);
    const rebuilt = await nx(['run', 'probe:dockerfile-lint', '--output-style=stream']);
    expect(rebuilt.ok).toBe(true);
    expect(rebuilt.output).toContain('the edited plugin ran');
  });
});
