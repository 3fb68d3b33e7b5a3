import { clampConfigTimes } from './pin-image-times';

describe("an image config's times", () => {
  const epoch = Date.parse('2026-11-01T09:00:00Z') / 1000;
  it('are clamped to the epoch when later (the build clock), kept when earlier (the base image)', () => {
    const config = {
      created: '2026-12-07T13:00:01.123456789Z',
      history: [{ created: '2026-10-01T00:00:00Z' }, { created: '2026-12-07T12:59:58Z' }, {}],
    };
    expect(clampConfigTimes(config, epoch)).toBe(true);
    expect(config).toEqual({
      created: '2026-11-01T09:00:00.000Z',
      history: [{ created: '2026-10-01T00:00:00Z' }, { created: '2026-11-01T09:00:00.000Z' }, {}],
    });
    expect(clampConfigTimes(config, epoch)).toBe(false);
  });

  it("include the layer times in BuildKit's inline cache, which the config carries", () => {
    const records = [{ digest: 'sha256:x', layers: [{ layer: 0, createdAt: '2026-12-07T14:12:36.276951947Z' }] }, { digest: 'sha256:y' }];
    const config = { 'moby.buildkit.cache.v0': Buffer.from(JSON.stringify(records)).toString('base64') };
    expect(clampConfigTimes(config, epoch)).toBe(true);
    expect(JSON.parse(Buffer.from(config['moby.buildkit.cache.v0'], 'base64').toString('utf8'))).toEqual([
      { digest: 'sha256:x', layers: [{ layer: 0, createdAt: '2026-11-01T09:00:00.000Z' }] },
      { digest: 'sha256:y' },
    ]);
  });
});
