import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHadolintConfig } from './hadolint-config';

describe('.hadolint.yaml', () => {
  let ws: string;
  let project: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'janus-hadolint-'));
    project = join(ws, 'apps/a');
    mkdirSync(project, { recursive: true });
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('is optional', () => {
    expect(findHadolintConfig(project, ws)).toBeNull();
  });

  it('reads the ignored list, leaving hadolint’s other keys to hadolint', () => {
    writeFileSync(join(ws, '.hadolint.yaml'), 'ignored:\n  - DL3008\n  - DL3025\ntrustedRegistries: [docker.io]\noverride:\n  error: [DL3001]\n');
    expect(findHadolintConfig(project, ws)).toEqual({ file: join(ws, '.hadolint.yaml'), ignored: ['DL3008', 'DL3025'] });
  });

  it('takes the project’s file over the workspace’s, and .yml where there is no .yaml', () => {
    writeFileSync(join(ws, '.hadolint.yaml'), 'ignored: [DL3008]\n');
    writeFileSync(join(project, '.hadolint.yml'), 'ignored: [DL3015]\n');
    expect(findHadolintConfig(project, ws)).toEqual({ file: join(project, '.hadolint.yml'), ignored: ['DL3015'] });
  });

  it('an empty file, or one with only comments, ignores nothing', () => {
    writeFileSync(join(ws, '.hadolint.yaml'), '# nothing yet\n');
    expect(findHadolintConfig(project, ws)).toEqual({ file: join(ws, '.hadolint.yaml'), ignored: [] });
  });

  it.each([
    ['ignored: [DL3008\n', /\.hadolint\.yaml is malformed\n {2}- not valid YAML: Flow sequence .* at line 2, column 1/],
    ['ignored:\n\t- DL3008\n', /\.hadolint\.yaml is malformed\n {2}- not valid YAML: Tabs are not allowed as indentation at line 2/],
    ['ignored: DL3008\n', /\.hadolint\.yaml is malformed\n {2}- 'ignored' = "DL3008": must be a list of rule ids, e.g. \[DL3008, DL3015\]/],
    ['ignored: [DL3008, 3015]\n', /\.hadolint\.yaml is malformed\n {2}- 'ignored.1' = 3015: must be a rule id such as DL3008/],
    ['- DL3008\n', /\.hadolint\.yaml is malformed\n {2}- must be a mapping with hadolint keys such as `ignored:`/],
  ])('a malformed file is an error naming it: %j', (text, message) => {
    writeFileSync(join(ws, '.hadolint.yaml'), text);
    expect(() => findHadolintConfig(project, ws)).toThrow(message);
    expect(() => findHadolintConfig(project, ws)).toThrow(join(ws, '.hadolint.yaml'));
  });
});
