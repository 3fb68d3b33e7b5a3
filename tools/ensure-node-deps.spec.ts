import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../libs/janus/src/process/run-command';

// Freshness by content: a clone or a checkout makes package-lock.json newer than node_modules without
// changing what should be installed, and must not cost an `npm ci`.
describe('ensure_node_deps', () => {
  let dir: string;
  const calls = () => readFileSync(join(dir, 'npm-calls'), 'utf8').trim().split('\n').filter(Boolean).length;
  const run = () =>
    runCommand('bash', ['-c', `. ${join(__dirname, 'ensure-node-deps.sh')} && ensure_node_deps`], {
      cwd: dir,
      env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` },
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'janus-deps-'));
    mkdirSync(join(dir, 'bin'));
    // A stand-in npm that records the call and makes node_modules, as `npm ci` would.
    writeFileSync(join(dir, 'bin/npm'), `#!/bin/sh\necho "$@" >> ${join(dir, 'npm-calls')}\nmkdir -p node_modules/.bin\n`);
    chmodSync(join(dir, 'bin/npm'), 0o755);
    writeFileSync(join(dir, 'npm-calls'), '');
    writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion": 3}\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('installs once, then not again for a lock file that is newer but the same', async () => {
    await run();
    expect(calls()).toBe(1);
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'package-lock.json'), future, future);
    await run();
    expect(calls()).toBe(1);
  });

  it('does not count a failed install as installed, even where set -e does not apply', async () => {
    await run();
    writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {"x": {}}}\n');
    writeFileSync(join(dir, 'bin/npm'), `#!/bin/sh\necho "$@" >> ${join(dir, 'npm-calls')}\nexit 1\n`);
    await expect(run()).rejects.toThrow();
    writeFileSync(join(dir, 'bin/npm'), `#!/bin/sh\necho "$@" >> ${join(dir, 'npm-calls')}\nmkdir -p node_modules/.bin\n`);
    await run();
    expect(calls()).toBe(3);
  });

  it('installs again when the lock file changes', async () => {
    await run();
    writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}\n');
    await run();
    expect(calls()).toBe(2);
  });
});
