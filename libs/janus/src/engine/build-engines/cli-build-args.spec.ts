import { commonBuildArgs, layerCacheArgs } from './cli-build-args';

describe('build CLI arguments', () => {
  const req = {
    context: '/ctx',
    file: '/ctx/Dockerfile',
    buildArgs: { V: '1' },
    labels: { l: 'x' },
    secrets: ['id=s,src=/s'],
    platform: 'linux/arm64',
    onLine: () => undefined,
  };

  it('passes --no-cache and --pull only when asked, as docker build users know them', () => {
    expect(commonBuildArgs(req, '/iid')).not.toEqual(expect.arrayContaining(['--no-cache']));
    expect(commonBuildArgs(req, '/iid')).not.toEqual(expect.arrayContaining(['--pull']));
    const args = commonBuildArgs({ ...req, noCache: true, pull: true }, '/iid');
    expect(args).toEqual(expect.arrayContaining(['--no-cache', '--pull', '--platform', 'linux/arm64', '--secret', 'id=s,src=/s', '--build-arg', 'V=1']));
    expect(args.at(-1)).toBe('/ctx');
  });
});

describe('layer cache CLI arguments', () => {
  const from = ['r/app:latest'];

  it('imports by image and exports inline with the classic builder, which has no registry cache', () => {
    expect(layerCacheArgs({ from, inline: true, write: true }, false)).toEqual(['--cache-from', 'r/app:latest', '--build-arg', 'BUILDKIT_INLINE_CACHE=1']);
    expect(() => layerCacheArgs({ from, inline: false, registryRef: 'r/app:buildcache', write: true }, false)).toThrow(/needs a docker CLI with buildx/);
  });

  it('writes a registry cache that does not exist yet without reading it', () => {
    expect(layerCacheArgs({ from, inline: false, registryRef: 'r/app:buildcache', importRegistryRef: false, write: true }, true)).toEqual([
      '--cache-from',
      'type=registry,ref=r/app:latest',
      '--cache-to',
      'type=registry,ref=r/app:buildcache,mode=max',
    ]);
  });

  it('writes a registry cache with buildx only for trusted builds, and reads it in both cases', () => {
    const trusted = layerCacheArgs({ from, inline: false, registryRef: 'r/app:buildcache', write: true }, true);
    expect(trusted).toEqual([
      '--cache-from',
      'type=registry,ref=r/app:buildcache',
      '--cache-from',
      'type=registry,ref=r/app:latest',
      '--cache-to',
      'type=registry,ref=r/app:buildcache,mode=max',
    ]);
    const pullRequest = layerCacheArgs({ from, inline: true, registryRef: 'r/app:buildcache', write: false }, true);
    expect(pullRequest).not.toContain('--cache-to');
    expect(pullRequest).toContain('type=registry,ref=r/app:buildcache');
  });
});
