import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderProject } from '../../rendering/render-record';
import { recordedOptions, type ResolvedRuntime, TEMPLATE_SET } from './generator';
import { PROVIDERS } from '../../rendering/providers';

// The rendered entrypoint run by a real POSIX sh (dash here, as in Debian images), with a stand-in CLI on PATH
// that prints what it was given: every branch, no container needed.
describe('runtime entrypoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-entrypoint-'));
  const runtime: ResolvedRuntime = {
    ...PROVIDERS.google,
    name: 'google-runtime',
    directory: 'containers/google-runtime',
    version: '0.61.0',
    baseImage: 'node:20-slim',
    uid: 1000,
    registry: 'https://registry.npmjs.org/',
    native: {},
  };
  const script = join(dir, 'entrypoint.sh');
  const bin = join(dir, 'bin');

  beforeAll(() => {
    const file = renderProject(runtime.name, { template: TEMPLATE_SET, options: recordedOptions(runtime) }).find((f) => f.path === 'entrypoint.sh')!;
    writeFileSync(script, file.content);
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'gemini'),
      '#!/bin/sh\necho "gemini args: $*"\necho "GEMINI_API_KEY=${GEMINI_API_KEY:-} GOOGLE_CLOUD_PROJECT=${GOOGLE_CLOUD_PROJECT:-}"\n',
    );
    chmodSync(join(bin, 'gemini'), 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function start(args: string[], env: Record<string, string>): ChildProcess {
    return spawn('sh', [script, ...args], { env: { PATH: `${bin}:/usr/bin:/bin`, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string; ms: number }> {
    const t0 = Date.now();
    const child = start(args, env);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err, ms: Date.now() - t0 })));
  }

  it('refuses to start without a credential: exit 78 and a message naming what to set', async () => {
    const r = await run(['fix the bug']);
    expect(r.code).toBe(78);
    expect(r.err).toMatch(/\[google-runtime\] no credentials: set GEMINI_API_KEY or GOOGLE_API_KEY/);
    expect(r.out).toBe('');
  });

  it("passes the spec's GOOGLE_API_KEY on as the GEMINI_API_KEY gemini reads, and a prompt to its headless mode", async () => {
    const r = await run(['fix the bug'], { GOOGLE_API_KEY: 'g-key', GOOGLE_PROJECT_ID: 'proj' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('gemini args: --yolo -p fix the bug');
    expect(r.out).toContain('GEMINI_API_KEY=g-key GOOGLE_CLOUD_PROJECT=proj');
    expect(r.err).toMatch(/provider=google cli=@google\/gemini-cli@0\.61\.0 user=/);
  });

  it('runs a command found on PATH as given', async () => {
    const r = await run(['gemini', '--version'], { GEMINI_API_KEY: 'k' });
    expect(r.out).toContain('gemini args: --version');
  });

  it('says what to give when there is nothing to run: exit 64', async () => {
    const r = await run([], { GEMINI_API_KEY: 'k' });
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/nothing to run/);
  });

  it('WARM_POOL=true idles without credentials and exits 0 promptly on SIGTERM', async () => {
    const child = start([], { WARM_POOL: 'true' });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    await new Promise((r) => setTimeout(r, 1000));
    expect(child.exitCode).toBeNull();
    expect(err).toMatch(/warm pool: idle/);
    child.kill('SIGTERM');
    // The trap runs as soon as the signal arrives, not after the day-long sleep it waits on (which would
    // outlast the test's timeout).
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
  });
});
