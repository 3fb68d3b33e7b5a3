import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executorContext } from '../../../janus-testing/src/executor-context';
import { type BuildRecord, buildRecordDir, readBuildRecord, writeBuildRecord } from './build-record';

const record = (): BuildRecord => ({
  project: 'app',
  image: 'localhost:5000/app',
  tags: ['sha-abc1234'],
  pushed: false,
  keepImagesIn: 'engine',
  platforms: [{ platform: 'linux/amd64', ref: 'localhost:5000/app:sha-abc1234-amd64', imageId: `sha256:${'a'.repeat(64)}`, size: 1, buildSeconds: 1 }],
  buildArgs: {},
  labels: {},
  secrets: [],
  engine: 'docker',
  git: { sha: 'abc1234' },
});

describe('build record', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'janus-record-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through an atomic write that leaves no temp file', () => {
    const file = writeBuildRecord(dir, record());
    expect(readBuildRecord(file)).toEqual(record());
    expect(readdirSync(dir).sort()).toEqual(['image-digests.json', 'metadata.json']);
  });

  // What dependents and the contract hash: two machines building the same content write the same bytes.
  it('writes beside it a digests file with what was built and nothing that differs between machines', () => {
    const staged = {
      ...record(),
      keepImagesIn: 'registry' as const,
      indexDigest: `sha256:${'c'.repeat(64)}`,
      baseImage: { ref: 'b', resolvedVia: 'build log' },
    };
    staged.platforms = [{ ...staged.platforms[0], digest: `sha256:${'b'.repeat(64)}`, uploadedBytes: 10 }];
    writeBuildRecord(dir, staged);
    const first = readFileSync(join(dir, 'image-digests.json'), 'utf8');
    // Another machine: its own timings, lookups and index (the attestations' provenance holds its times).
    const otherMachine = { ...staged, engine: 'buildx', baseImage: { ref: 'b', resolvedVia: 'http://mirror' }, indexDigest: `sha256:${'e'.repeat(64)}` };
    otherMachine.platforms = [{ ...staged.platforms[0], buildSeconds: 99.5, uploadedBytes: 0 }];
    writeBuildRecord(dir, otherMachine);
    expect(readFileSync(join(dir, 'image-digests.json'), 'utf8')).toBe(first);
    expect(JSON.parse(first)).toEqual({
      image: 'localhost:5000/app',
      keepImagesIn: 'registry',
      platforms: [{ platform: 'linux/amd64', imageId: staged.platforms[0].imageId, digest: staged.platforms[0].digest }],
      secrets: [],
    });
    // Other content is another file.
    writeBuildRecord(dir, { ...staged, platforms: [{ ...staged.platforms[0], imageId: `sha256:${'d'.repeat(64)}` }] });
    expect(readFileSync(join(dir, 'image-digests.json'), 'utf8')).not.toBe(first);
  });

  // The Nx cache can restore a record written before the rename; it reads the same, and is written anew without the old name.
  it("reads an older record's 'residence' as keepImagesIn and writes only the new name", () => {
    const { keepImagesIn: _kept, ...rest } = { ...record(), keepImagesIn: 'registry' as const };
    const file = join(dir, 'metadata.json');
    writeFileSync(file, JSON.stringify({ ...rest, residence: 'registry' }));
    const read = readBuildRecord(file);
    expect(read.keepImagesIn).toBe('registry');
    writeBuildRecord(dir, read);
    const written = readFileSync(file, 'utf8');
    expect(written).not.toContain('residence');
    expect(JSON.parse(written).keepImagesIn).toBe('registry');
  });

  it.each([
    ['a missing file', undefined, /metadata.json: not found; run the project's docker-build target first/],
    ['a truncated file', '{"project": "app", "ima', /metadata.json: is not valid JSON/],
    ['no platforms', JSON.stringify({ ...record(), platforms: undefined }), /metadata.json: is not a docker-build record \(platforms: /],
    ['no tags', JSON.stringify({ ...record(), tags: [] }), /tags: must list at least one tag/],
  ])('names the file and the problem for %s', (_label, content, message) => {
    const file = join(dir, 'metadata.json');
    if (content !== undefined) writeFileSync(file, content);
    expect(() => readBuildRecord(file)).toThrow(message);
  });

  it('refuses a directory where the record should be', () => {
    mkdirSync(join(dir, 'metadata.json'));
    expect(() => readBuildRecord(join(dir, 'metadata.json'))).toThrow(/is a directory, not a file/);
  });

  it("follows the build target's configured outputPath, absolute or workspace-relative", () => {
    const ctx = executorContext('/ws', 'app', 'apps/app');
    expect(buildRecordDir(ctx)).toBe('/ws/dist/docker/app');
    ctx.projectsConfigurations.projects.app.targets = { 'docker-build': { options: { outputPath: 'out/app' } } };
    expect(buildRecordDir(ctx)).toBe('/ws/out/app');
    ctx.projectsConfigurations.projects.app.targets = { 'docker-build': { options: { outputPath: '/abs/app' } } };
    expect(buildRecordDir(ctx)).toBe('/abs/app');
    expect(buildRecordDir(ctx, 'other-build')).toBe('/ws/dist/docker/app');
  });
});
