import type { BuildRecord } from '../../../image/build-record';
import { mergePlatformRecords } from './merge-records';

const record = (platform: string, over: Partial<BuildRecord> = {}): BuildRecord => ({
  project: 'agent',
  image: 'localhost:5000/agent',
  tags: ['main', 'sha-0123456'],
  pushed: false,
  keepImagesIn: 'registry',
  registry: 'localhost:5000',
  repository: 'agent',
  platforms: [{ platform, ref: `r:${platform}`, imageId: `sha256:${platform.length}`, size: 1, digest: `sha256:d-${platform}`, buildSeconds: 1 }],
  buildArgs: {},
  labels: { 'org.opencontainers.image.revision': '0123456' },
  secrets: [],
  baseImage: { ref: 'python:3.11-slim', digest: 'sha256:base1' },
  engine: 'docker',
  git: { sha: '0123456789' },
  ...over,
});

describe('merging split platform builds', () => {
  it('is one record of every platform, as each build staged it, with nothing published yet', () => {
    const merged = mergePlatformRecords([
      { source: 'agent:docker-build-amd64', record: record('linux/amd64') },
      { source: 'agent:docker-build-arm64', record: record('linux/arm64', { engine: 'buildx' }) },
    ]);
    expect(merged.platforms.map((p) => [p.platform, p.digest])).toEqual([
      ['linux/amd64', 'sha256:d-linux/amd64'],
      ['linux/arm64', 'sha256:d-linux/arm64'],
    ]);
    expect(merged).toMatchObject({ pushed: false, keepImagesIn: 'registry', engine: 'docker, buildx', tags: ['main', 'sha-0123456'] });
    expect(merged.indexDigest).toBeUndefined();
  });

  it('refuses records of another commit or another base image digest, naming both', () => {
    const other = record('linux/arm64', { git: { sha: 'fedcba9876' }, baseImage: { ref: 'python:3.11-slim', digest: 'sha256:base2' } });
    expect(() =>
      mergePlatformRecords([
        { source: 'agent:docker-build-amd64', record: record('linux/amd64') },
        { source: 'agent:docker-build-arm64', record: other },
      ]),
    ).toThrow(
      [
        'janus:docker-merge: the platform records cannot be one image:',
        '  they disagree on the commit: agent:docker-build-amd64 (linux/amd64) has 0123456789, agent:docker-build-arm64 (linux/arm64) has fedcba9876',
        '  they disagree on the base image digest: agent:docker-build-amd64 (linux/amd64) has python:3.11-slim@sha256:base1, agent:docker-build-arm64 (linux/arm64) has python:3.11-slim@sha256:base2',
        'nothing was merged',
      ].join('\n'),
    );
  });

  it('refuses an engine-only part and a platform built twice', () => {
    expect(() =>
      mergePlatformRecords([
        { source: 'a', record: record('linux/amd64', { keepImagesIn: 'engine' }) },
        { source: 'b', record: record('linux/amd64') },
      ]),
    ).toThrow(/a keeps linux\/amd64 only in the engine that built it \(keepImagesIn: engine\)[^]*linux\/amd64 is built by both a and b/);
  });
});
