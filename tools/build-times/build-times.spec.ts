import { summarizeBuildTimes } from './build-times';

describe('summarizeBuildTimes', () => {
  const line = (o: object) => JSON.stringify({ engine: 'docker', ok: true, ...o });

  it('sums per platform and builder, counts failures, and sets the sum against the jest wall', () => {
    const lines = [
      line({ platform: 'linux/amd64', seconds: 10 }),
      line({ platform: 'linux/arm64', seconds: 30 }),
      line({ platform: 'linux/arm64', seconds: 20, ok: false }),
      line({ platform: 'linux/arm64', seconds: 5, builder: 'unix:///b.sock' }),
    ].join('\n');
    const jest = { startTime: 1_000_000, testResults: [{ endTime: 1_050_000 }, { endTime: 1_130_000 }] };
    expect(summarizeBuildTimes(`${lines}\n`, jest)).toBe(
      'image builds: 4 platform build(s) (1 failed), 65 s summed over a 130 s jest run (50%): linux/arm64 50 s in 2, linux/amd64 10 s in 1, linux/arm64 on unix:///b.sock 5 s in 1',
    );
  });

  it('says so when no build was recorded, with or without jest results', () => {
    expect(summarizeBuildTimes('')).toBe('image builds: 0 platform build(s), 0 s summed');
  });
});
