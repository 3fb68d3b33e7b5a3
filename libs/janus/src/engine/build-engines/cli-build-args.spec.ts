import { commonBuildArgs } from './cli-build-args';

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
