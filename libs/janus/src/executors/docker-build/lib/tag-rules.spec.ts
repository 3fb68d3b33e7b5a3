import { type GitFacts, gitFactsFromEnv } from '../../../git/git-facts';
import { deriveTags, sanitizeTag, tagsFor } from './tag-rules';

const facts = (patch: Partial<GitFacts>): GitFacts => ({ sha: 'abcdef0123456789', defaultBranch: 'main', ...patch });
const tags = (patch: Partial<GitFacts>, extra?: string[]) => deriveTags(facts(patch), { extra }).map((t) => t.tag);

describe('tag rules', () => {
  it('tags the default branch latest, with its name and sha', () => {
    expect(tags({ branch: 'main' })).toEqual(['main', 'latest', 'sha-abcdef0']);
  });

  it('tags another branch with its sanitized name, never latest', () => {
    expect(tags({ branch: 'feature/new-thing' })).toEqual(['feature-new-thing', 'sha-abcdef0']);
  });

  it('tags a pull request pr-<n> and nothing that moves', () => {
    expect(tags({ branch: 'main', prNumber: 42 })).toEqual(['pr-42', 'sha-abcdef0']);
  });

  it('expands a release tag v1.2.3 into 1.2.3, 1.2, 1 and latest', () => {
    expect(tags({ tag: 'v1.2.3' })).toEqual(['1.2.3', '1.2', '1', 'latest', 'sha-abcdef0']);
  });

  it('gives a pre-release only its full version', () => {
    expect(tags({ tag: 'v2.0.0-rc.1' })).toEqual(['2.0.0-rc.1', 'sha-abcdef0']);
  });

  it('does not publish a bare 0 for 0.x releases', () => {
    expect(tags({ tag: 'v0.4.1' })).toEqual(['0.4.1', '0.4', 'latest', 'sha-abcdef0']);
  });

  it('keeps a non-semver git tag as it is (sanitized)', () => {
    expect(tags({ tag: 'nightly/2026-11-24' })).toEqual(['nightly-2026-11-24', 'sha-abcdef0']);
  });

  it('adds explicit extra tags once', () => {
    expect(tags({ branch: 'main' }, ['stable', 'latest'])).toEqual(['main', 'latest', 'sha-abcdef0', 'stable']);
  });

  it('uses only extras when derivation is off', () => {
    expect(deriveTags(facts({ branch: 'main' }), { derive: false, extra: ['x'] }).map((t) => t.tag)).toEqual(['x']);
  });

  it('rejects an invalid extra tag with its value', () => {
    expect(() => tags({}, ['bad tag'])).toThrow(/tag "bad tag" is not a valid image tag/);
  });

  it('sanitizes names that start with punctuation', () => {
    expect(sanitizeTag('-.x/y')).toBe('x-y');
  });
});

describe('tags of a dirty tree', () => {
  const dirty = (patch: Partial<GitFacts>, extra?: string[]) => tagsFor(facts({ ...patch, dirty: true }), { extra });

  it.each([
    ['the default branch', { branch: 'main' }, ['main', 'latest', 'sha-abcdef0']],
    ['a release tag', { branch: 'main', tag: 'v1.2.3' }, ['1.2.3', '1.2', '1', 'latest', 'main', 'sha-abcdef0']],
    ['a pull request', { branch: 'main', prNumber: 42 }, ['pr-42', 'sha-abcdef0']],
    ['a feature branch', { branch: 'feature/x' }, ['feature-x', 'sha-abcdef0']],
  ])('on %s is sha-<7>-dirty only, and says what it did not take', (_on, patch, dropped) => {
    expect(dirty(patch)).toEqual({ tags: [{ tag: 'sha-abcdef0-dirty', rule: 'dirty' }], dropped });
  });

  it('takes no extra tag either: each would name the image as something it is not', () => {
    expect(dirty({ branch: 'main' }, ['stable']).tags.map((t) => t.tag)).toEqual(['sha-abcdef0-dirty']);
    expect(dirty({ branch: 'main' }, ['stable']).dropped).toContain('stable');
  });

  it('outside git (no commit to name) keeps the ordinary rules', () => {
    expect(tagsFor({ sha: '', defaultBranch: 'main', dirty: true }, { extra: ['x'] }).tags.map((t) => t.tag)).toEqual(['x']);
  });
});

describe('git facts from the CI environment', () => {
  it('reads the JANUS_ overrides', () => {
    expect(
      gitFactsFromEnv({ JANUS_GIT_SHA: 'f00', JANUS_GIT_BRANCH: 'dev', JANUS_GIT_TAG: 'v1.0.0', JANUS_PR_NUMBER: '7', JANUS_DEFAULT_BRANCH: 'trunk' }),
    ).toEqual({
      sha: 'f00',
      branch: 'dev',
      tag: 'v1.0.0',
      prNumber: 7,
      defaultBranch: 'trunk',
    });
  });

  it('falls back to GitHub Actions refs', () => {
    expect(gitFactsFromEnv({ GITHUB_SHA: 'abc', GITHUB_REF: 'refs/pull/12/merge' })).toEqual({ sha: 'abc', prNumber: 12 });
    expect(gitFactsFromEnv({ GITHUB_REF: 'refs/tags/v3.1.0' })).toEqual({ tag: 'v3.1.0' });
    expect(gitFactsFromEnv({ GITHUB_REF: 'refs/heads/main' })).toEqual({ branch: 'main' });
  });

  it('rejects a PR number that is not one', () => {
    expect(() => gitFactsFromEnv({ JANUS_PR_NUMBER: 'abc' })).toThrow(/JANUS_PR_NUMBER = "abc": must be a positive integer/);
  });
});
