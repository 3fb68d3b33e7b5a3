import { pinConfigTimes } from './pin-image-times';

describe("an image config's times", () => {
  const epoch = Date.parse('2026-11-01T09:00:00Z') / 1000;
  const pinned = '2026-11-01T09:00:00.000Z';

  it("are set to the epoch after the base image's history, whether the build clock was later or earlier", () => {
    const config = {
      created: '2026-12-07T13:00:01.123456789Z',
      // the base's entry; a step served from a build cache filled before the epoch; one run now; an entry without a time
      history: [{ created: '2026-10-01T00:00:00Z' }, { created: '2026-10-20T08:00:00Z' }, { created: '2026-12-07T12:59:58Z' }, {}],
    };
    expect(pinConfigTimes(config, epoch, 1)).toBe(true);
    expect(config).toEqual({
      created: pinned,
      history: [{ created: '2026-10-01T00:00:00Z' }, { created: pinned }, { created: pinned }, {}],
    });
    expect(pinConfigTimes(config, epoch, 1)).toBe(false);
  });

  it('give one config for one build whatever the age of the cache it came from', () => {
    const made = (stepTime: string) => ({ created: '2026-12-07T13:00:00Z', history: [{ created: '2026-10-01T00:00:00Z' }, { created: stepTime }] });
    const cachedLongAgo = made('2026-10-15T00:00:00Z');
    const coldNow = made('2026-12-07T12:59:59Z');
    pinConfigTimes(cachedLongAgo, epoch, 1);
    pinConfigTimes(coldNow, epoch, 1);
    expect(JSON.stringify(cachedLongAgo)).toBe(JSON.stringify(coldNow));
  });

  it("include the layer times in BuildKit's inline cache, which the config carries", () => {
    const records = [
      { digest: 'sha256:x', layers: [{ layer: 0, createdAt: '2026-12-07T14:12:36.276951947Z' }] },
      { digest: 'sha256:z', layers: [{ layer: 1, createdAt: '2026-10-02T00:00:00Z' }] },
      { digest: 'sha256:y' },
    ];
    const config = { 'moby.buildkit.cache.v0': Buffer.from(JSON.stringify(records)).toString('base64') };
    expect(pinConfigTimes(config, epoch, 0)).toBe(true);
    expect(JSON.parse(Buffer.from(config['moby.buildkit.cache.v0'], 'base64').toString('utf8'))).toEqual([
      { digest: 'sha256:x', layers: [{ layer: 0, createdAt: pinned }] },
      { digest: 'sha256:z', layers: [{ layer: 1, createdAt: pinned }] },
      { digest: 'sha256:y' },
    ]);
  });
});
