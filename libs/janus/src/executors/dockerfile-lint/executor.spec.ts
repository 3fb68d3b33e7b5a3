import { logger } from '@nx/devkit';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executorContext } from '../../testing/executor-context';
import dockerfileLintExecutor from './executor';

describe('janus:dockerfile-lint executor', () => {
  let ws: string;
  let out: string[];
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'janus-lint-'));
    mkdirSync(join(ws, 'apps/a'), { recursive: true });
    writeFileSync(join(ws, 'apps/a/Dockerfile'), 'FROM python:3.11-slim\nUSER 1000\nEXPOSE 8080\nHEALTHCHECK CMD ["true"]\nCMD python -m app\n');
    writeFileSync(join(ws, 'apps/a/.dockerignore'), '.git\n.env\n');
    out = [];
    jest.spyOn(logger, 'info').mockImplementation((m: unknown) => void out.push(String(m)));
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void out.push(String(m)));
    jest.spyOn(process.stdout, 'write').mockImplementation((m: string | Uint8Array) => (out.push(String(m)), true));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(ws, { recursive: true, force: true });
  });
  const run = (options: Record<string, unknown>) => dockerfileLintExecutor(options as never, executorContext(ws, 'a', 'apps/a'));

  it('fails on findings and prints file:line, rule with its hadolint id, and reason', async () => {
    expect(await run({ port: 8080 })).toEqual({ success: false });
    expect(out.join('\n')).toMatch(/^apps\/a\/Dockerfile:5 JD004\/DL3025 exec-form: CMD uses shell form; write it as a JSON array — shell form runs/m);
  });

  it('passes with the rule ignored, and writes a JSON report', async () => {
    expect(await run({ port: 8080, ignore: ['JD004'], outputFile: 'dist/lint/a.json' })).toEqual({ success: true });
    expect(JSON.parse(readFileSync(join(ws, 'dist/lint/a.json'), 'utf8'))).toEqual({ file: 'apps/a/Dockerfile', ok: true, findings: [] });
  });

  it('passes with notes only, and prints them', async () => {
    writeFileSync(join(ws, 'apps/a/Dockerfile'), 'FROM python:3.11-slim\nONBUILD RUN make\nUSER 1000\nEXPOSE 8080\nHEALTHCHECK CMD ["true"]\nCMD ["python"]\n');
    expect(await run({ port: 8080 })).toEqual({ success: true });
    expect(out.join('\n')).toMatch(
      /apps\/a\/Dockerfile:2 JD011 onbuild-not-checked \(note\): ONBUILD RUN is not checked by any rule[^]*no findings \(1 note\)/,
    );
  });

  it('prints machine-readable JSON with --format=json', async () => {
    await run({ format: 'json' });
    const report = JSON.parse(out.join(''));
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ rule: 'JD004', hadolint: 'DL3025', level: 'error', line: 5 });
  });

  it('takes the hadolint id of a rule in the ignore option', async () => {
    expect(await run({ port: 8080, ignore: ['DL3025'] })).toEqual({ success: true });
  });

  it('rejects an unknown rule id, naming it and the allowed ones', async () => {
    expect(await run({ ignore: ['DL3008'] })).toEqual({ success: false });
    expect(out.join('\n')).toMatch(/'ignore.0' = "DL3008": must be a rule id: JD001, JD002, .*, or a hadolint id one of them stands for: DL3002, /);
  });

  it('says which file is missing', async () => {
    expect(await run({ dockerfile: 'Nope' })).toEqual({ success: false });
    expect(out.join('\n')).toMatch(/'dockerfile' = "Nope": no file at .*apps\/a\/Nope/);
  });
});
