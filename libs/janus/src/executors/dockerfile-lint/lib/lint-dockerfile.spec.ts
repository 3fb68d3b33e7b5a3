import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatJson, formatText } from './format';
import { lintDockerfile, RULE_IDS, RULES } from './lint-dockerfile';

const FIXTURES = join(__dirname, '../__fixtures__');

function lintFixture(name: string, port = 8080, ignore?: string[]) {
  const dir = join(FIXTURES, name);
  const ignoreFile = join(dir, '.dockerignore');
  return lintDockerfile({
    dockerfile: readFileSync(join(dir, 'Dockerfile'), 'utf8'),
    dockerignore: existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : null,
    port,
    ignore,
  });
}

const lint = (dockerfile: string, extra: { port?: number; dockerignore?: string | null } = {}) =>
  lintDockerfile({ dockerfile, dockerignore: extra.dockerignore === undefined ? '.git\n.env\n' : extra.dockerignore, port: extra.port });

describe('dockerfile-lint rules', () => {
  it('finds nothing in a compliant multi-stage Dockerfile', () => {
    expect(lintFixture('compliant')).toEqual([]);
  });

  it('has stable, unique ids and a reason for every rule', () => {
    expect(RULES.map((r) => r.id)).toEqual(['JD000', 'JD001', 'JD002', 'JD003', 'JD004', 'JD005', 'JD006', 'JD007', 'JD008', 'JD009', 'JD010', 'JD011']);
    for (const rule of RULES) expect(rule.reason.length).toBeGreaterThan(20);
    expect(RULE_IDS).not.toContain('JD000');
  });

  it('names the hadolint rule each one stands for, null where hadolint has none', () => {
    expect(Object.fromEntries(RULES.map((r) => [r.id, r.hadolint]))).toEqual({
      JD000: null,
      JD001: ['DL3002'],
      JD002: null,
      JD003: null,
      JD004: ['DL3025'],
      JD005: ['DL3020'],
      JD006: ['DL3006', 'DL3007'],
      JD007: ['DL3009'],
      JD008: ['DL3015'],
      JD009: null,
      JD010: null,
      JD011: null,
    });
    expect(lintFixture('exec-form')[0]).toMatchObject({ rule: 'JD004', hadolint: 'DL3025', level: 'error' });
    expect(lintFixture('dockerignore')[0]).toMatchObject({ rule: 'JD010', hadolint: null });
  });

  // Each fixture breaks exactly one rule: it must be found, and nothing else.
  it.each([
    ['non-root-user', 'JD001', [4]],
    ['non-root-user-inherited', 'JD001', [2]],
    ['healthcheck', 'JD002', [4]],
    ['healthcheck-inherited', 'JD002', [2]],
    ['expose-port', 'JD003', [3]],
    ['exec-form', 'JD004', [5]],
    ['no-add-local', 'JD005', [2]],
    ['pinned-base-image', 'JD006', [2, 3]],
    ['apt-lists-cleaned', 'JD007', [2]],
    ['apt-lists-cleaned-ancestor', 'JD007', [2]],
    ['apt-no-recommends', 'JD008', [2]],
    ['no-secret-values', 'JD009', [2, 3, 4]],
    ['dockerignore', 'JD010', [0, 0]],
  ])('%s fixture fails %s only', (fixture, id, lines) => {
    const findings = lintFixture(fixture);
    expect(findings.map((f) => f.rule)).toEqual(lines.map(() => id));
    expect(findings.map((f) => f.line)).toEqual(lines);
    expect(findings[0].name).toBe(RULES.find((r) => r.id === id)!.name);
  });

  // Each of these would otherwise pass with "no findings": every other rule needs a stage to look at.
  it.each([
    ['empty', 0, 'the file is empty'],
    ['binary', 0, 'the file is binary (it holds control characters such as NUL), not a Dockerfile'],
    ['utf-16', 0, 'the file is UTF-16 encoded; Docker reads a Dockerfile as UTF-8, so save it as UTF-8'],
    ['comments-only', 0, 'the file holds only comments, no instructions'],
    ['arg-only', 0, 'the file holds only ARG instructions and no FROM, so there is no stage to build'],
    ['no-from', 0, 'the file has no FROM instruction, so there is no stage to build (line 2 starts with "set", which is no instruction)'],
    ['run-before-from', 1, 'RUN before the first FROM; only ARG may come before it'],
  ])('JD000: %s is not a Dockerfile', (fixture, line, message) => {
    expect(lintFixture(`not-a-dockerfile/${fixture}`)).toEqual([
      { rule: 'JD000', hadolint: null, name: 'not-a-dockerfile', level: 'error', line, message, reason: expect.stringMatching(/docker build would reject/) },
    ]);
  });

  it('JD000: an unknown instruction in a Dockerfile is a finding; no ignore waives JD000', () => {
    const df = '# janus-lint global ignore=JD000\nFROM a:1\nUSER 1\nHEALTHCHEK CMD ["t"]\nCMD ["x"]';
    expect(lint(df).map((f) => [f.rule, f.line, f.message])).toEqual([
      ['JD002', 2, 'the final stage has no HEALTHCHECK'],
      ['JD000', 4, 'unknown instruction "HEALTHCHEK"'],
    ]);
    expect(lintDockerfile({ dockerfile: '', dockerignore: null, ignore: ['JD000', 'JD010'] }).map((f) => f.rule)).toEqual(['JD000']);
  });

  it('a final stage built FROM an earlier stage inherits its USER, EXPOSE and HEALTHCHECK', () => {
    expect(lintFixture('inherited-config')).toEqual([]);
  });

  it('JD001: a final stage without USER runs as root', () => {
    expect(lint('FROM a:1\nEXPOSE 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]').map((f) => f.rule)).toEqual(['JD001']);
  });

  it('JD001: only the final stage counts, and ARG defaults resolve', () => {
    const df = 'FROM a:1 AS b\nUSER root\nFROM a:1\nARG U=0\nUSER ${U}\nHEALTHCHECK CMD ["t"]\nCMD ["x"]';
    expect(lint(df).map((f) => [f.rule, f.message])).toEqual([['JD001', 'the final stage runs as "0"']]);
  });

  it.each(['root', '0', '00', 'root:root', '0:0', 'root:staff', '0:1000'])('JD001: USER %s runs as root, whatever the group', (user) => {
    expect(lint(`FROM a:1\nUSER ${user}\nHEALTHCHECK CMD ["t"]\nCMD ["x"]`).map((f) => f.rule)).toEqual(['JD001']);
  });

  it.each(['rootless', '1000:0', 'app:root', '10'])('JD001: USER %s is not root', (user) => {
    expect(lint(`FROM a:1\nUSER ${user}\nHEALTHCHECK CMD ["t"]\nCMD ["x"]`)).toEqual([]);
  });

  it('JD001: root inherited from the stage built on is reported where USER says so', () => {
    expect(lintFixture('non-root-user-inherited').map((f) => f.message)).toEqual(['the final stage runs as "root", inherited from stage "base"']);
    const df = 'FROM a:1 AS base\nUSER 1000\nFROM base AS mid\nFROM mid\nUSER 0\nHEALTHCHECK CMD ["t"]\nCMD ["x"]';
    expect(lint(df).map((f) => [f.rule, f.line])).toEqual([['JD001', 5]]);
  });

  it('JD001/JD002: a chain of stages that never sets USER or HEALTHCHECK says so', () => {
    expect(lint('FROM a:1 AS base\nFROM base\nCMD ["x"]').map((f) => f.message)).toEqual([
      'neither the final stage nor any stage it is built FROM sets USER, so it runs as root',
      'neither the final stage nor any stage it is built FROM has a HEALTHCHECK',
    ]);
  });

  it('JD002: a HEALTHCHECK in an earlier stage does not count', () => {
    expect(lint('FROM a:1 AS b\nHEALTHCHECK CMD ["t"]\nFROM a:1\nUSER 1\nCMD ["x"]').map((f) => f.rule)).toEqual(['JD002']);
  });

  it('JD003: EXPOSE through an ENV default counts; missing EXPOSE is a finding', () => {
    expect(lint('FROM a:1\nENV PORT=9090\nUSER 1\nEXPOSE ${PORT}/tcp\nHEALTHCHECK CMD ["t"]\nCMD ["x"]', { port: 9090 })).toEqual([]);
    expect(lint('FROM a:1\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]', { port: 8080 }).map((f) => f.message)).toEqual([
      'the final stage does not EXPOSE the configured port 8080',
    ]);
  });

  it('JD003: an EXPOSE inherited from the stage built on counts, resolved in that stage', () => {
    const df = 'FROM a:1 AS base\nARG P=9090\nEXPOSE ${P}\nFROM base\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]';
    expect(lint(df, { port: 9090 })).toEqual([]);
    expect(lint(df, { port: 8080 }).map((f) => [f.line, f.message])).toEqual([[3, 'EXPOSE 9090 does not include the configured port 8080']]);
  });

  it('JD004: ENTRYPOINT in shell form is a finding too', () => {
    expect(lint('FROM a:1\nUSER 1\nHEALTHCHECK CMD ["t"]\nENTRYPOINT exec python').map((f) => f.rule)).toEqual(['JD004']);
  });

  it('JD005: quoted, JSON-form and compressed archive or URL sources are what ADD is for', () => {
    expect(lintFixture('no-add-local-archives')).toEqual([]);
  });

  it('JD005: quotes are read the way BuildKit reads them, and a zip is not unpacked', () => {
    const findings = lint(
      'FROM a:1\nADD "app dir" /app\nADD ["file.zip", "/x/"]\nADD \'notes.lzma\' /x\nADD "https://example.com/x" "rootfs.tgz" /\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]',
    );
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [2, 'ADD of local app dir; use COPY'],
      [3, 'ADD of local file.zip; use COPY'],
      [4, 'ADD of local notes.lzma; use COPY'],
    ]);
  });

  it('JD005: ADD of a URL or local archive is allowed', () => {
    expect(lint('FROM a:1\nADD https://example.com/x.txt /x\nADD root.tar /\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]')).toEqual([]);
  });

  it('JD006: an untagged ARG default is found through the FROM that uses it; a digest is pinned', () => {
    const findings = lint('ARG B=python\nFROM ${B}\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]');
    expect(findings.map((f) => f.message)).toEqual(['base image python (from ${B}) has no tag']);
    expect(lint(`FROM python@sha256:${'a'.repeat(64)}\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]`)).toEqual([]);
    expect(lint('FROM registry:5000/team/py:3\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]')).toEqual([]);
  });

  it('JD007: apt lists in a stage the image is only copied from are not the image’s', () => {
    expect(lintFixture('apt-lists-builder-only')).toEqual([]);
  });

  it('JD007: a cache mount for apt lists is as good as removing them', () => {
    const df =
      'FROM a:1\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y --no-install-recommends x\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]';
    expect(lint(df)).toEqual([]);
  });

  it('JD007/JD008: apt-get with options before install, apt, aptitude and exec form do not escape', () => {
    expect(lintFixture('apt-variants').map((f) => [f.line, f.rule, f.message])).toEqual([
      [2, 'JD008', 'apt-get install without --no-install-recommends'],
      [3, 'JD007', 'apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN'],
      [3, 'JD008', 'apt-get install without --no-install-recommends'],
      [4, 'JD007', 'apt update without rm -rf /var/lib/apt/lists/* in the same RUN'],
      [5, 'JD008', 'aptitude install without --without-recommends (-R)'],
      [6, 'JD007', 'apt-get update without rm -rf /var/lib/apt/lists/* in the same RUN'],
      [7, 'JD007', 'apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN'],
      [7, 'JD008', 'apt-get install without --no-install-recommends'],
      [8, 'JD008', 'apt-get install without --no-install-recommends'],
    ]);
  });

  it('JD007/JD008: recommends switched off through -o, -R or --without-recommends, lists removed or mounted', () => {
    expect(lintFixture('apt-variants-clean')).toEqual([]);
  });

  it('JD011: ONBUILD triggers are out of scope, and the report says so in a note for each', () => {
    const findings = lintFixture('onbuild');
    expect(findings.map((f) => [f.line, f.rule, f.level, f.message])).toEqual([
      [2, 'JD011', 'note', 'ONBUILD RUN is not checked by any rule'],
      [3, 'JD011', 'note', 'ONBUILD ADD is not checked by any rule'],
    ]);
    expect(formatText('Dockerfile', findings)).toMatch(
      /^Dockerfile:2 JD011 onbuild-not-checked \(note\): ONBUILD RUN is not checked by any rule — ONBUILD triggers run/,
    );
    expect(formatText('Dockerfile', findings)).toMatch(/\nDockerfile: no findings \(2 notes\)$/);
    expect(JSON.parse(formatJson('Dockerfile', findings))).toMatchObject({ ok: true, findings: [{ level: 'note' }, { level: 'note' }] });
  });

  it('JD009: an ARG without a value and an empty ENV are fine', () => {
    expect(lint('FROM a:1\nARG NPM_TOKEN\nENV API_KEY=\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]')).toEqual([]);
  });

  it('JD010: a missing .dockerignore, and one lacking .env, are findings', () => {
    const df = 'FROM a:1\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]';
    expect(lint(df, { dockerignore: null }).map((f) => f.message)).toEqual(['no .dockerignore beside the Dockerfile']);
    expect(lint(df, { dockerignore: '**/.git\n' }).map((f) => f.message)).toEqual(['.dockerignore does not exclude .env']);
  });

  it("JD010 asks Docker's matcher, not for a line that spells the name", () => {
    const df = 'FROM a:1\nUSER 1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]';
    // Everything out but what the image is made of: .git and .env are out too.
    expect(lint(df, { dockerignore: '*\n!rootfs-*.tar\n' })).toEqual([]);
    expect(lint(df, { dockerignore: '.*\n' })).toEqual([]);
    // Re-included after being excluded: it is sent, whatever the earlier line says.
    expect(lint(df, { dockerignore: '*\n!.env\n' }).map((f) => f.message)).toEqual(['.dockerignore does not exclude .env']);
    expect(lint(df, { dockerignore: '# .git\n# .env\n' }).map((f) => f.message)).toEqual([
      '.dockerignore does not exclude .git',
      '.dockerignore does not exclude .env',
    ]);
  });
});

describe('ignoring rules', () => {
  it('an inline comment ignores the listed rules on the next instruction only', () => {
    const df = 'FROM a:1\nUSER 1\nHEALTHCHECK CMD ["t"]\n# janus-lint ignore=JD004\n# (a second comment line)\nCMD python\nENTRYPOINT python';
    expect(lint(df).map((f) => [f.rule, f.line])).toEqual([['JD004', 7]]);
  });

  it('a global comment ignores a rule everywhere', () => {
    const df = '# janus-lint global ignore=JD004,JD002\nFROM a:1\nUSER 1\nCMD python\nENTRYPOINT python';
    expect(lint(df)).toEqual([]);
  });

  it('reads hadolint ignore comments: next instruction, several ids, spaces and a trailing comment', () => {
    const df = [
      'FROM a:1',
      '# hadolint ignore=DL3002,DL3025',
      'USER root',
      'HEALTHCHECK CMD ["t"]',
      '# hadolint ignore = DL3025  # legacy start script',
      'ENTRYPOINT python',
      'CMD python',
    ].join('\n');
    expect(lint(df).map((f) => [f.rule, f.line])).toEqual([['JD004', 7]]);
  });

  it('reads hadolint global ignore comments, and both styles in one file', () => {
    const df = 'FROM a:1\nUSER root\n# hadolint global ignore=DL3002\nHEALTHCHECK CMD ["t"]\n# janus-lint ignore=JD004\nCMD python';
    expect(lint(df)).toEqual([]);
    // An id hadolint knows and Janus does not map is accepted and changes nothing.
    expect(lint('# hadolint global ignore=DL3008\nFROM a:1\nHEALTHCHECK CMD ["t"]\nCMD ["x"]').map((f) => f.rule)).toEqual(['JD001']);
  });

  it('the ignore option switches rules off for the project', () => {
    expect(lintFixture('exec-form', 8080, ['JD004'])).toEqual([]);
  });

  it('a hadolint id in the ignore option switches off the findings that stand for it, and only those', () => {
    expect(lintFixture('exec-form', 8080, ['DL3025'])).toEqual([]);
    // JD006 reports an untagged base as DL3006 and :latest as DL3007.
    expect(lintFixture('pinned-base-image', 8080, ['DL3007']).map((f) => [f.rule, f.hadolint, f.line])).toEqual([['JD006', 'DL3006', 3]]);
    expect(lintFixture('pinned-base-image', 8080, ['DL3006']).map((f) => [f.rule, f.hadolint, f.line])).toEqual([['JD006', 'DL3007', 2]]);
  });
});
