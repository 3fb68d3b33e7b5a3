import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dockerBuildExecutor from '../../executors/docker-build/executor';
import type { BuildRecord } from '../../image/build-record';
import { runCommand } from '../../process/run-command';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { initGitRepo } from '../../../../janus-testing/src/git-repo';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { assertEngineRunning } from '../docker-client';
import { engineMirrors, inspectImage } from '../image-store';
import { baseImageParts } from '../../registry/base-layers';
import { pinImageTimes } from './pin-image-times';

// Two clean clones of one commit, checked out at different times, built on the real engine as two fresh
// machines would (no build cache): their COPY layers must be byte-identical.
describe('reproducible layers: two clones of one commit', () => {
  const root = mkdtempSync(join(tmpdir(), 'janus-repro-'));
  const image = `janus-test/repro-${randomBytes(3).toString('hex')}`;

  // Temporary directories the clamp makes; those of other processes sharing this machine are left out.
  const layerDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('janus-layers-'));
  let tempBefore: string[] = [];

  beforeAll(async () => {
    await assertEngineRunning();
    tempBefore = layerDirs();
    const origin = join(root, 'origin');
    mkdirSync(join(origin, 'apps/svc/app'), { recursive: true });
    writeFileSync(
      join(origin, 'apps/svc/Dockerfile'),
      [
        'FROM python:3.11-slim',
        'WORKDIR /srv',
        'COPY app ./app',
        'COPY settings.toml ./',
        'COPY notes.txt /opt/created/on/copy/',
        'USER 1000:1000',
        'CMD ["python", "-m", "app"]',
        '',
      ].join('\n'),
    );
    writeFileSync(join(origin, 'apps/svc/.dockerignore'), 'Dockerfile\n.dockerignore\n');
    writeFileSync(join(origin, 'apps/svc/app/__main__.py'), 'print("hello")\n');
    writeFileSync(join(origin, 'apps/svc/settings.toml'), 'x = 1\n');
    writeFileSync(join(origin, 'apps/svc/notes.txt'), 'notes\n');
    await initGitRepo(origin);
    for (const clone of ['one', 'two']) await runCommand('git', ['clone', '-q', origin, join(root, clone)]);
    // The second checkout happened a day later, as on another machine.
    const later = new Date(Date.now() + 86_400_000);
    const touch = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === '.git') continue;
        if (entry.isDirectory()) touch(join(dir, entry.name));
        utimesSync(join(dir, entry.name), later, later);
      }
    };
    touch(join(root, 'two'));
  });

  afterAll(async () => {
    await removeImages(`${image}-one`, `${image}-two`, `${image}-two-cold`, `${image}-cancel`, `${image}-one-plain`, `${image}-two-plain`);
    rmSync(root, { recursive: true, force: true });
  });

  const imageIds = new Map<string, string>();
  async function layersOf(clone: string, suffix: string, reproducible: boolean, noCache = true): Promise<string[]> {
    const ws = join(root, clone);
    const result = await dockerBuildExecutor(
      { image: `${image}-${suffix}`, registry: '', platforms: 'linux/amd64', noCache, lint: false, reproducible },
      executorContext(ws, 'svc', 'apps/svc'),
    );
    expect(result.success).toBe(true);
    const record = JSON.parse(readFileSync(join(ws, 'dist/docker/svc/metadata.json'), 'utf8')) as BuildRecord;
    imageIds.set(suffix, record.platforms[0].imageId);
    return (await inspectImage(record.platforms[0].imageId))!.RootFS.Layers ?? [];
  }

  it('gives both clones the same layer digests, cold or from a warm build cache, the base image layers untouched', async () => {
    const one = await layersOf('one', 'one', true);
    // The second machine's BuildKit cache holds the first build's layers, with that build's own times.
    const two = await layersOf('two', 'two', true, false);
    expect(two).toEqual(one);
    // Built cold there too, with the same options: the same image id (config digest), since the config's own
    // times (the builder's clock) are clamped as well; that id is what dependents and the contract hash.
    expect(await layersOf('two', 'two-cold', true)).toEqual(one);
    expect(imageIds.get('two-cold')).toBe(imageIds.get('one'));
    expect(layerDirs()).toEqual(tempBefore);
    // The base image's layers are the base image's, shared with everything built on it; the three COPY
    // layers on top are the ones rewritten.
    const base = (await baseImageParts('python:3.11-slim', 'linux/amd64', await engineMirrors())).diffIds;
    expect(base.length).toBeGreaterThan(0);
    expect(one.slice(0, base.length)).toEqual(base);
    expect(one.length).toBeGreaterThanOrEqual(base.length + 3);
  });

  it('leaves no temporary layers behind, also when cancelled mid-way, and the image it was given stays', async () => {
    const ws = join(root, 'one');
    const result = await dockerBuildExecutor(
      { image: `${image}-cancel`, registry: '', platforms: 'linux/amd64', lint: false, reproducible: false },
      executorContext(ws, 'svc', 'apps/svc'),
    );
    expect(result.success).toBe(true);
    const record = JSON.parse(readFileSync(join(ws, 'dist/docker/svc/metadata.json'), 'utf8')) as BuildRecord;
    const imageId = record.platforms[0].imageId;
    const controller = new AbortController();
    const clamping = pinImageTimes(imageId, Math.floor(Date.now() / 1000) - 86_400 * 365, { signal: controller.signal });
    controller.abort();
    await expect(clamping).rejects.toThrow(/cancelled/);
    expect(await inspectImage(imageId)).toBeDefined();
    expect(layerDirs()).toEqual(tempBefore);
  });

  it('differs without pinning, which is what the option guards against', async () => {
    const one = await layersOf('one', 'one-plain', false);
    const two = await layersOf('two', 'two-plain', false);
    expect(two.slice(-3)).not.toEqual(one.slice(-3));
  });
});
