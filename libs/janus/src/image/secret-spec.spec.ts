import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSecretSpec, rejoinSplitSpecs, resolveSecrets, secretFilePath } from './secret-spec';

describe('secret specs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'janus-secret-'));
    writeFileSync(join(dir, 'token'), 's3cr3t-value\n');
    mkdirSync(join(dir, 'a-dir'));
    writeFileSync(join(dir, 'with=equals'), 'eq-value');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses src, source, env and type forms', () => {
    expect(parseSecretSpec('id=npm,src=/x')).toEqual({ id: 'npm', source: { kind: 'file', path: '/x' } });
    expect(parseSecretSpec('id=npm,source=/x')).toEqual({ id: 'npm', source: { kind: 'file', path: '/x' } });
    expect(parseSecretSpec('id=tok,env=MY_TOKEN')).toEqual({ id: 'tok', source: { kind: 'env', name: 'MY_TOKEN' } });
    expect(parseSecretSpec('id=MY_TOKEN,type=env')).toEqual({ id: 'MY_TOKEN', source: { kind: 'env', name: 'MY_TOKEN' } });
  });

  it.each([
    ['npmrc', /not key=value/],
    ['src=/x', /needs id=/],
    ['id=a,src=/x,env=Y', /either src=<file> or env=<VAR>/],
    ['id=a,dst=/x', /unknown field\(s\) dst/],
    ['id=a', /needs src=<file> or env=<VAR>/],
    ['id=a,env=1BAD', /not an environment variable name/],
  ])('rejects %s', (spec, message) => {
    expect(() => parseSecretSpec(spec)).toThrow(message);
  });

  it('keeps a = inside a path and expands ~', () => {
    expect(parseSecretSpec(`id=a,src=${dir}/with=equals`).source).toEqual({ kind: 'file', path: `${dir}/with=equals` });
    expect(secretFilePath('~/.npmrc', '/ws')).toBe(join(homedir(), '.npmrc'));
    expect(secretFilePath('rel/x', '/ws')).toBe('/ws/rel/x');
  });

  it('rejoins a spec Nx split at its comma', () => {
    expect(rejoinSplitSpecs(['id=x', 'src=/p', 'id=y', 'env=Y'])).toEqual(['id=x,src=/p', 'id=y,env=Y']);
    // contract-test's buildSecrets also holds literal values: one after a spec is not glued onto it.
    expect(rejoinSplitSpecs(['id=x', 'src=/p', 'a-literal-value', 'type=env'])).toEqual(['id=x,src=/p', 'a-literal-value', 'type=env']);
  });

  it('resolves files and env values, naming the option and the reason for each bad one', () => {
    const { secrets, problems } = resolveSecrets(
      ['id=a,src=token', `id=b,src=${dir}/with=equals`, 'id=c,env=JANUS_T', 'id=d,src=a-dir', 'id=e,src=missing', 'id=f,env=UNSET_X'],
      dir,
      'secrets',
      { JANUS_T: 'from-env' },
    );
    expect(secrets.map((s) => [s.id, s.value])).toEqual([
      ['a', 's3cr3t-value\n'],
      ['b', 'eq-value'],
      ['c', 'from-env'],
    ]);
    expect(secrets[0].spec).toBe(`id=a,src=${dir}/token`);
    expect(problems).toEqual([
      `'secrets' = "id=d,src=a-dir": the source ${dir}/a-dir is not a file`,
      `'secrets' = "id=e,src=missing": the source file ${dir}/missing does not exist`,
      `'secrets' = "id=f,env=UNSET_X": the environment variable UNSET_X is not set`,
    ]);
  });
});
