import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildEngine, PlatformBuildRequest } from './build-engine';
import { BUILD_TIMES_ENV, timedBuilds } from './build-times-log';

describe('timedBuilds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-build-times-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const req = { platform: 'linux/arm64' } as PlatformBuildRequest;
  const engine = (fail: boolean): BuildEngine => ({
    name: 'docker',
    buildPlatform: async (r) => {
      if (fail) throw new Error('boom');
      return { platform: r.platform, imageId: 'sha256:x' };
    },
  });

  it('appends one line per build, failed builds too, to the file the environment names', async () => {
    const file = join(dir, 'times.jsonl');
    const env = { [BUILD_TIMES_ENV]: file };
    await expect(timedBuilds(engine(false), env).buildPlatform(req)).resolves.toEqual({ platform: 'linux/arm64', imageId: 'sha256:x' });
    await expect(timedBuilds(engine(true), env).buildPlatform(req)).rejects.toThrow('boom');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { platform: 'linux/arm64', engine: 'docker', seconds: expect.any(Number), ok: true },
      { platform: 'linux/arm64', engine: 'docker', seconds: expect.any(Number), ok: false },
    ]);
  });

  it('leaves the engine alone when no file is named', () => {
    const e = engine(false);
    const build = e.buildPlatform;
    expect(timedBuilds(e, {}).buildPlatform).toBe(build);
  });
});
