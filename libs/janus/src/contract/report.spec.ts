import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schema } from '../executors/contract-test/options-schema';
import { parseOptions } from '../schema/parse-options';
import { clearReports } from './report';

describe('contract-test options and report directory', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'janus-report-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a reportDir that is a file or lies below one, naming the option, before the run', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(() => clearReports(join(dir, 'file'))).toThrow(/'reportDir' = ".*file": .*file is a file; give a directory/);
    expect(() => clearReports(join(dir, 'file/x'))).toThrow(/'reportDir' = ".*file\/x": .*file is a file, so .*x cannot be created/);
    expect(() => clearReports(join(dir, 'new/dir'))).not.toThrow();
  });

  it('rejoins buildSecrets as Nx splits them at the comma, and keeps literal values apart', () => {
    const o = parseOptions(schema, { buildSecrets: ['id=x', 'src=/p', 'literal-value'] }, 'janus:contract-test');
    expect(o.buildSecrets).toEqual(['id=x,src=/p', 'literal-value']);
    expect(parseOptions(schema, { buildSecrets: 'id=y,env=Y' }, 'janus:contract-test').buildSecrets).toEqual(['id=y,env=Y']);
  });
});
