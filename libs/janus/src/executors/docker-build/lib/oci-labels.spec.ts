import { createdTime, DIRTY_LABEL, ociLabels } from './oci-labels';
import { deriveTags } from './tag-rules';

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

describe('OCI labels', () => {
  const git = { sha: 'abcdef0123456789', defaultBranch: 'main', branch: 'main', remoteUrl: 'https://github.com/acme/agents' };
  const labels = (dirty: boolean) => {
    const facts = { ...git, dirty };
    return ociLabels({ title: 'app', git: facts, tags: deriveTags(facts), created: '2026-01-01T00:00:00.000Z' });
  };
  it('say a dirty tree is dirty: the version is the -dirty tag, the revision the commit it sits on', () => {
    expect(labels(true)).toMatchObject({
      'org.opencontainers.image.version': 'sha-abcdef0-dirty',
      'org.opencontainers.image.revision': git.sha,
      [DIRTY_LABEL]: 'true',
    });
    expect(labels(false)['org.opencontainers.image.version']).toBe('sha-abcdef0');
    expect(labels(false)).not.toHaveProperty([DIRTY_LABEL]);
  });
});
