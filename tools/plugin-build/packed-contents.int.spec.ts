import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../libs/janus/src/process/run-command';
import { ensurePluginBuilt } from './build-plugin';

// The package users install holds the product only: test helpers live in libs/janus-testing, and no container
// label of the tests (org.janus.test) is written into the plugin's code.
describe('the packed plugin', () => {
  let files: string[] = [];
  let packageRoot = '';

  beforeAll(async () => {
    packageRoot = ensurePluginBuilt({ log: () => undefined }).packageRoot;
    const packed = await runCommand('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packageRoot });
    files = (JSON.parse(packed.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
  }, 300_000);

  it('holds the plugin', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'src/index.js', 'src/engine/container-runner.js']));
  });

  it('holds no test helper, spec or fixture', () => {
    expect(files.filter((f) => /(^|\/)(testing|janus-testing|__fixtures__)\/|\.spec\.|test-(labels|registry|images|ca)\./.test(f))).toEqual([]);
  });

  it('puts no test label on anything: the labels are the caller’s', () => {
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.filter((f) => /org\.janus\.test|janus-testing/.test(readFileSync(join(packageRoot, f), 'utf8')))).toEqual([]);
  });
});
