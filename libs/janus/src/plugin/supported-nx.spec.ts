import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedNxVersion } from '../workspace/nx-version';
import { SUPPORTED_NX, unsupportedNx } from './supported-nx';

describe('the Nx versions janus runs on', () => {
  it("are its package.json's nx peer range, which admits this workspace's nx", () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { peerDependencies: { nx: string } };
    expect(SUPPORTED_NX).toBe(manifest.peerDependencies.nx);
    expect(installedNxVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(unsupportedNx()).toBeUndefined();
  });

  it.each(['22.6.0', '22.7.12', '23.2.1', '24.0.7', '24.1.0-beta.1'])('admit nx %s', (v) => {
    expect(unsupportedNx(v)).toBeUndefined();
  });

  it.each(['21.6.8', '22.5.4', '25.0.0', '25.1.2'])('name nx %s and the supported range in one line', (v) => {
    const line = unsupportedNx(v)!;
    expect(line).toContain(`nx ${v}`);
    expect(line).toContain(SUPPORTED_NX);
    expect(line).not.toContain('\n');
  });

  it('say so when nx is not installed at all', () => {
    expect(unsupportedNx(null)).toMatch(/^janus needs nx .* nx is not installed$/);
  });
});
