import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Which files of a checkout a build is made from: paths relative to its root, minus the excluded ones. */
export interface SourceSet {
  /** Files or directories, relative to the root, with `/` separators. */
  include: string[];
  /** Regular expressions tested against root-relative paths with `/` separators. */
  exclude: string[];
}

/** Root-relative path → content digest, for every file of the set. */
export type SourceDigests = Record<string, string>;

/**
 * Digests every file of the set by content, not modification time: a checkout, a stash or an editor that
 * rewrites a file unchanged must not count as a change, and an edit that keeps the mtime must.
 */
export function digestSources(root: string, set: SourceSet): SourceDigests {
  const excluded = set.exclude.map((e) => new RegExp(e));
  const digests: SourceDigests = {};
  const visit = (rel: string) => {
    if (excluded.some((e) => e.test(rel))) return;
    const abs = join(root, rel);
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) visit(`${rel}/${name}`);
    } else {
      digests[rel] = createHash('sha256').update(readFileSync(abs)).digest('hex').slice(0, 24);
    }
  };
  for (const rel of set.include) if (existsSync(join(root, rel))) visit(rel);
  return digests;
}

/** The files whose digests differ between two snapshots, each marked as changed, added or removed. */
export function changedSources(before: SourceDigests, now: SourceDigests): string[] {
  const changes: string[] = [];
  for (const [file, digest] of Object.entries(now)) {
    if (!(file in before)) changes.push(`${file} (added)`);
    else if (before[file] !== digest) changes.push(`${file} (changed)`);
  }
  for (const file of Object.keys(before)) if (!(file in now)) changes.push(`${file} (removed)`);
  return changes.sort();
}
