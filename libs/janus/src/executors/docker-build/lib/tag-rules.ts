import type { GitFacts } from '../../../git/git-facts';
import { UserError } from '../../../errors/user-error';

export const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export interface TagRuleOptions {
  /** Extra tags always applied. */
  extra?: string[];
  /** Turn the derived rules off and use only `extra`. */
  derive?: boolean;
}

export interface DerivedTag {
  tag: string;
  /** Which rule produced it, for the summary and metadata. */
  rule: 'latest' | 'sha' | 'branch' | 'pr' | 'semver' | 'extra' | 'dirty';
}

/** Branch names may hold characters tags may not (`feature/x`): map them as docker/metadata-action does. */
export function sanitizeTag(name: string): string {
  return name
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
}

/** The tag a dirty tree's build gets instead of every other: the commit it sits on, marked as not that commit. */
export function dirtyTag(sha: string): string {
  return `sha-${sha.slice(0, 7)}-dirty`;
}

/**
 * Tags for one build, in the spirit of docker/metadata-action:
 * - every build: `sha-<7>`;
 * - a pull request: `pr-<n>` (and nothing that moves: no branch, no latest);
 * - a branch: its sanitized name, plus `latest` on the default branch;
 * - a release tag `v1.2.3`: `1.2.3`, `1.2`, `1` (not for 0.x) and `latest`; a pre-release `v1.2.3-rc.1` only `1.2.3-rc.1`;
 * - plus explicit extras. Order is stable and duplicates are dropped.
 * A dirty tree (tracked files differ from HEAD) gets `sha-<7>-dirty` and nothing else, extras included: every
 * other tag names a commit, a branch or a release, which the image is not. `dropped` lists what it gave up.
 */
export function deriveTags(facts: GitFacts, options: TagRuleOptions = {}): DerivedTag[] {
  return tagsFor(facts, options).tags;
}

export function tagsFor(facts: GitFacts, options: TagRuleOptions = {}): { tags: DerivedTag[]; dropped: string[] } {
  const clean = cleanTags(facts, options);
  if (!facts.dirty || !facts.sha) return { tags: clean, dropped: [] };
  return { tags: [{ tag: dirtyTag(facts.sha), rule: 'dirty' }], dropped: clean.map((t) => t.tag) };
}

function cleanTags(facts: GitFacts, options: TagRuleOptions): DerivedTag[] {
  const out: DerivedTag[] = [];
  const add = (tag: string, rule: DerivedTag['rule']) => {
    if (!out.some((t) => t.tag === tag)) out.push({ tag, rule });
  };
  if (options.derive !== false) {
    const semver = facts.tag ? SEMVER.exec(facts.tag) : null;
    if (semver) {
      const [, major, minor, patch, pre] = semver;
      if (pre) {
        add(`${major}.${minor}.${patch}-${pre}`, 'semver');
      } else {
        add(`${major}.${minor}.${patch}`, 'semver');
        add(`${major}.${minor}`, 'semver');
        if (major !== '0') add(major, 'semver');
        add('latest', 'latest');
      }
    } else if (facts.tag) {
      add(sanitizeTag(facts.tag), 'semver');
    }
    if (facts.prNumber) {
      add(`pr-${facts.prNumber}`, 'pr');
    } else if (facts.branch) {
      add(sanitizeTag(facts.branch), 'branch');
      if (facts.branch === facts.defaultBranch) add('latest', 'latest');
    }
    if (facts.sha) add(`sha-${facts.sha.slice(0, 7)}`, 'sha');
  }
  for (const extra of options.extra ?? []) add(extra, 'extra');
  for (const { tag } of out) {
    if (!TAG_PATTERN.test(tag))
      throw new UserError(`tag ${JSON.stringify(tag)} is not a valid image tag (letters, digits, _ . -; at most 128; not starting with . or -)`);
  }
  return out;
}
