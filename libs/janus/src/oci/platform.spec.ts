import { formatPlatform, isPlatform, nativePlatform, parsePlatform, platformTagSuffix } from './platform';

describe('platforms', () => {
  it('parses and formats platform strings', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(formatPlatform(parsePlatform('linux/amd64'))).toBe('linux/amd64');
    expect(() => parsePlatform('amd64')).toThrow(/expected os\/arch/);
    expect(() => parsePlatform('linux/arm/v7/x')).toThrow(/expected os\/arch/);
  });
  it('names per-platform tags without slashes', () => {
    expect(platformTagSuffix('linux/amd64')).toBe('amd64');
    expect(platformTagSuffix('linux/arm/v7')).toBe('arm-v7');
  });
  it("maps node's arch names to OCI platforms", () => {
    expect(nativePlatform('x64')).toBe('linux/amd64');
    expect(nativePlatform('arm64')).toBe('linux/arm64');
    expect(nativePlatform('arm')).toBe('linux/arm/v7');
  });
  it("matches an engine's image inspect", () => {
    expect(isPlatform('linux/arm64', { Os: 'linux', Architecture: 'arm64' })).toBe(true);
    expect(isPlatform('linux/arm64', { Os: 'linux', Architecture: 'amd64' })).toBe(false);
    expect(isPlatform('linux/arm/v7', { Os: 'linux', Architecture: 'arm', Variant: 'v6' })).toBe(false);
  });
});
