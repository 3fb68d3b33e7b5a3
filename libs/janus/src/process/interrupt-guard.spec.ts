import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A process that tracks one slow undo (writes `done` after 600 ms), then waits to be interrupted. */
function guardedProcess(doneFile: string) {
  const script = `
    const { writeFileSync } = require('node:fs');
    const { InterruptGuard } = require(${JSON.stringify(join(__dirname, 'interrupt-guard.ts'))});
    const log = { warn: (m) => console.log(m), error: (m) => console.log(m) };
    const guard = new InterruptGuard('janus:test', log);
    guard.track('removing the test thing', () => new Promise((r) => setTimeout(() => { writeFileSync(${JSON.stringify(doneFile)}, 'x'); r(); }, 600)));
    guard.doing('waiting for the test');
    console.log('ready');
    setInterval(() => undefined, 1000);
  `;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => out };
}

describe('an interrupt guard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-guard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Ctrl-C under Nx: the terminal signals the whole process group, then Nx sends its task SIGTERM.
  it('finishes its cleanup through a second and third signal, says what it stopped and what it did, and exits 130', async () => {
    const done = join(dir, 'done');
    const p = guardedProcess(done);
    await p.ready;
    p.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    p.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(130);
    expect(existsSync(done)).toBe(true);
    expect(p.output()).toMatch(/janus:test: SIGINT: stopped while waiting for the test; removing the test thing/);
    expect(p.output()).toMatch(/SIGTERM again; still cleaning up/);
    expect(p.output()).toMatch(/janus:test: cancelled; done: removing the test thing/);
  }, 30_000);
});
