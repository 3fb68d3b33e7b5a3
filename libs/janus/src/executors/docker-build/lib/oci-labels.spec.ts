import { createdTime } from './oci-labels';

describe('created time', () => {
  const newest = () => new Date('2026-01-02T03:04:05Z');
  it('prefers SOURCE_DATE_EPOCH, then the commit time (dirty or not), then the newest input', () => {
    expect(
      createdTime({
        git: { sha: 'a', defaultBranch: 'main', commitTime: '2026-11-01T10:00:00+01:00' },
        env: { SOURCE_DATE_EPOCH: '0' },
        newestInputMtime: newest,
      }),
    ).toEqual({
      iso: '1970-01-01T00:00:00.000Z',
      source: 'SOURCE_DATE_EPOCH',
    });
    expect(createdTime({ git: { sha: 'a', defaultBranch: 'main', commitTime: '2026-11-01T10:00:00+01:00' }, env: {}, newestInputMtime: newest }).iso).toBe(
      '2026-11-01T09:00:00.000Z',
    );
    expect(createdTime({ git: { sha: '', defaultBranch: 'main' }, env: {}, newestInputMtime: newest })).toEqual({
      iso: '2026-01-02T03:04:05.000Z',
      source: 'newest input file',
    });
  });
});
