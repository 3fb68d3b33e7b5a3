import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors/user-error';
import { type PublishRecord, readPublishRecord, stagePublishRecord } from './publish-record';

const record = (): PublishRecord => ({
  project: 'agent',
  image: 'localhost:5000/agent',
  tags: ['v1', 'latest'],
  indexDigest: `sha256:${'a'.repeat(64)}`,
  platforms: [{ platform: 'linux/amd64', digest: `sha256:${'b'.repeat(64)}`, uploadedBytes: 0 }],
  buildRecord: 'dist/docker/agent/metadata.json',
});

describe('the publish record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-publish-record-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appears only when committed, and reads back as written', () => {
    const staged = stagePublishRecord(dir, record());
    expect(readPublishRecord(staged.file)).toBeUndefined();
    staged.commit();
    staged.discard();
    expect(readPublishRecord(staged.file)).toEqual(record());
    expect(readdirSync(dir)).toEqual(['publish.json']);
  });

  it('refuses to stage a record without an index digest, leaving no temp file', () => {
    expect(() => stagePublishRecord(dir, { ...record(), indexDigest: 'latest' })).toThrow(UserError);
    expect(readdirSync(dir)).toEqual(['publish.json']);
  });

  it('names the file and what to do when it is damaged', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...record(), platforms: [] }));
    expect(() => readPublishRecord(file)).toThrow(/publish record .*bad\.json: .*platforms.*; run docker-push again/);
  });
});
