import { overBudgetMessage, type PlatformSize, sizeSummary } from './size-budget';
import { largestPaths } from '../../../image/layer-paths';

const layer = (createdBy: string, files: Record<string, number>) => ({
  createdBy,
  size: Object.values(files).reduce((a, b) => a + b, 0),
  files: new Map(Object.entries(files)),
});

const image: PlatformSize = {
  platform: 'linux/arm64',
  size: 130e6,
  layers: [
    layer('COPY /rootfs / # buildkit', { '/usr/local/bin/node': 99e6, '/usr/lib/libstdc++.so.6': 2.4e6, '/usr/bin/sh': 0.1e6, '/etc/passwd': 80 }),
    layer('COPY /build/node_modules ./node_modules # buildkit', { '/app/node_modules/zod/index.js': 3e6, '/app/node_modules/a.js': 1e6, '/usr/bin/sh': 0.2e6 }),
  ],
};

describe('size budget', () => {
  it('names the platform, the size, the budget and the five largest paths of the final filesystem', () => {
    const message = overBudgetMessage(image, 100);
    expect(message.split('\n')[0]).toBe(
      'linux/arm64: image is 130.0 MB, over the size budget of 100 MB (sizeBudgetMb); nothing was tagged or pushed. Largest paths:',
    );
    expect(
      message
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/).pop()),
    ).toEqual(['/usr/local/bin/node', '/app/node_modules/zod/index.js', '/usr/lib/libstdc++.so.6', '/app/node_modules/a.js', '/usr/bin/sh']);
  });

  it('counts a path a later layer replaced at its later size', () => {
    expect(largestPaths(image.layers, 10).find((p) => p.path === '/usr/bin/sh')).toEqual({ path: '/usr/bin/sh', size: 0.2e6 });
  });

  it("prints each platform's size beside the budget, and its largest layers with the files that make them up", () => {
    const summary = sizeSummary([{ ...image, platform: 'linux/amd64', size: 90e6 }, image], 100, 1, 2);
    expect(summary.split('\n').map((l) => l.trim())).toEqual([
      'linux/amd64: 90.0 MB of the 100 MB budget (sizeBudgetMb)',
      '101.5 MB  COPY /rootfs / # buildkit',
      '99.0 MB  /usr/local/bin/node',
      '2.4 MB  /usr/lib/libstdc++.so.6',
      'linux/arm64: 130.0 MB of the 100 MB budget (sizeBudgetMb), OVER',
      '101.5 MB  COPY /rootfs / # buildkit',
      '99.0 MB  /usr/local/bin/node',
      '2.4 MB  /usr/lib/libstdc++.so.6',
    ]);
  });
});
