import { logger } from '@nx/devkit';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executorContext } from '../../../../janus-testing/src/executor-context';
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

  it('prints SARIF with --format=sarif, and writes it to outputFile', async () => {
    expect(await run({ format: 'sarif', outputFile: 'dist/lint/a.sarif' })).toEqual({ success: false });
    const printed = JSON.parse(out.join(''));
    expect(printed).toMatchObject({ version: '2.1.0', runs: [{ results: [{ ruleId: 'JD004', level: 'error', properties: { hadolint: 'DL3025' } }] }] });
    expect(printed.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'apps/a/Dockerfile' }, region: { startLine: 5 } });
    expect(JSON.parse(readFileSync(join(ws, 'dist/lint/a.sarif'), 'utf8'))).toEqual(printed);
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

  describe('.hadolint.yaml', () => {
    it('its ignored list switches checks off, as the ignore option does', async () => {
      writeFileSync(join(ws, '.hadolint.yaml'), 'ignored:\n  - DL3008\n  - DL3025\n');
      expect(await run({ port: 8080 })).toEqual({ success: true });
      expect(out.join('\n')).toMatch(/apps\/a\/Dockerfile: ignoring DL3008, DL3025 as .hadolint.yaml says/);
    });

    it('the project’s own file comes first', async () => {
      writeFileSync(join(ws, '.hadolint.yaml'), 'ignored: [DL3025]\n');
      writeFileSync(join(ws, 'apps/a/.hadolint.yaml'), 'ignored: [DL3002]\n');
      expect(await run({ port: 8080 })).toEqual({ success: false });
      expect(out.join('\n')).toMatch(/JD004\/DL3025 exec-form/);
    });

    it('a malformed file fails the target with its path', async () => {
      writeFileSync(join(ws, 'apps/a/.hadolint.yaml'), 'ignored: [DL3025\n');
      expect(await run({ port: 8080 })).toEqual({ success: false });
      expect(out.join('\n')).toMatch(/janus:dockerfile-lint: \S*apps\/a\/.hadolint.yaml is malformed\n {2}- not valid YAML/);
    });
  });

  describe('path options', () => {
    const clean = 'FROM python:3.11-slim\nUSER 1000\nEXPOSE 8080\nHEALTHCHECK CMD ["true"]\nCMD ["python"]\n';
    beforeEach(() => writeFileSync(join(ws, 'apps/a/Dockerfile'), clean));

    it.each([
      ['dockerfile', '', /'dockerfile' = "": must name the Dockerfile: a path relative to the project root, or absolute/],
      ['dockerignore', '', /'dockerignore' = "": must name a .dockerignore file/],
      ['outputFile', '', /'outputFile' = "": must name a file: a path relative to the workspace root, or absolute/],
    ])('an empty %s is refused, naming the option and what is allowed', async (option, value, message) => {
      expect(await run({ [option]: value })).toEqual({ success: false });
      expect(out.join('\n')).toMatch(message);
    });

    it('a directory as dockerfile or dockerignore is refused with the option, the value and what is allowed, not EISDIR', async () => {
      mkdirSync(join(ws, 'apps/a/docker'));
      expect(await run({ dockerfile: 'docker', dockerignore: '.' })).toEqual({ success: false });
      const text = out.join('\n');
      expect(text).toMatch(
        /'dockerfile' = "docker": \S*apps\/a\/docker is a directory; give the Dockerfile's path, relative to the project root \(apps\/a\) or absolute/,
      );
      expect(text).toMatch(/'dockerignore' = ".": \S*apps\/a is a directory; give a .dockerignore file's path, relative to the project root/);
      expect(text).not.toMatch(/EISDIR/);
    });

    it('dockerignore is relative to the project root, like dockerfile; absolute paths are taken as they are', async () => {
      mkdirSync(join(ws, 'apps/a/docker'));
      writeFileSync(join(ws, 'apps/a/docker/lint.dockerignore'), '.git\n');
      expect(await run({ dockerignore: 'docker/lint.dockerignore' })).toEqual({ success: false });
      expect(out.join('\n')).toMatch(/JD010 dockerignore: .dockerignore does not exclude .env/);
      out.length = 0;
      expect(await run({ dockerignore: join(ws, 'apps/a/.dockerignore') })).toEqual({ success: true });
    });

    it('a dockerignore that is named but missing is an error, not a silent default', async () => {
      expect(await run({ dockerignore: 'apps/a/.dockerignore' })).toEqual({ success: false });
      expect(out.join('\n')).toMatch(/'dockerignore' = "apps\/a\/.dockerignore": no file at \S*apps\/a\/apps\/a\/.dockerignore/);
    });

    it('an absolute outputFile is written where it says, not under the workspace', async () => {
      const elsewhere = mkdtempSync(join(tmpdir(), 'janus-lint-out-'));
      try {
        const target = join(elsewhere, 'reports/lint.json');
        expect(await run({ outputFile: target })).toEqual({ success: true });
        expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ file: 'apps/a/Dockerfile', ok: true });
        expect(existsSync(join(ws, target))).toBe(false);
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    });

    it('an outputFile that is a directory, or below a file, is refused naming the option', async () => {
      mkdirSync(join(ws, 'dist/lint'), { recursive: true });
      expect(await run({ outputFile: 'dist/lint' })).toEqual({ success: false });
      expect(out.join('\n')).toMatch(/'outputFile' = "dist\/lint": \S*dist\/lint is a directory; give a file path, relative to the workspace root or absolute/);
      out.length = 0;
      expect(await run({ outputFile: 'apps/a/Dockerfile/report.json' })).toEqual({ success: false });
      expect(out.join('\n')).toMatch(/'outputFile' = "apps\/a\/Dockerfile\/report.json": \S*apps\/a\/Dockerfile is a file, so \S+ cannot be created/);
    });
  });
});
