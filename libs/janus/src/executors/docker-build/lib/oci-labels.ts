import type { GitFacts } from '../../../git/git-facts';
import type { DerivedTag } from './tag-rules';

/**
 * The moment an image says it was created, chosen so that rebuilding the same inputs yields the same image
 * config (and id) instead of a new one each time: SOURCE_DATE_EPOCH when the caller pins it (the
 * reproducible-builds convention), else the commit time of HEAD, also on a dirty tree (the label then
 * dates the commit the changes sit on), else the newest modification time of the build's inputs.
 */
export function createdTime(args: { git: GitFacts; env?: NodeJS.ProcessEnv; newestInputMtime: () => Date }): { iso: string; source: string } {
  const epoch = (args.env ?? process.env).SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return { iso: new Date(Number(epoch) * 1000).toISOString(), source: 'SOURCE_DATE_EPOCH' };
  if (args.git.commitTime) return { iso: new Date(args.git.commitTime).toISOString(), source: 'commit time' };
  return { iso: args.newestInputMtime().toISOString(), source: 'newest input file' };
}

/** Set on an image built from a tree whose tracked files differ from its revision. */
export const DIRTY_LABEL = 'org.janus.git.dirty';

/** The OCI annotation keys as image labels (and the dirty mark, which OCI has no key for). */
export function ociLabels(args: { title: string; git: GitFacts; tags: DerivedTag[]; created: string }): Record<string, string> {
  const semver = args.tags.find((t) => t.rule === 'semver')?.tag;
  const version = semver ?? args.tags.find((t) => t.rule === 'sha')?.tag ?? args.tags[0]?.tag ?? 'dev';
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': args.title,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.created': args.created,
  };
  if (args.git.sha) labels['org.opencontainers.image.revision'] = args.git.sha;
  if (args.git.remoteUrl) labels['org.opencontainers.image.source'] = args.git.remoteUrl;
  // The revision is the commit the changes sit on; this says the image is not that commit.
  if (args.git.dirty) labels[DIRTY_LABEL] = 'true';
  return labels;
}
