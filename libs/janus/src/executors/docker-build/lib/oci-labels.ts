import type { GitFacts } from '../../../git/git-facts';
import type { DerivedTag } from './tag-rules';

/**
 * The OCI annotation keys as image labels. `created` is the commit time when known, not the wall clock, so
 * rebuilding the same commit yields the same image config (and the same digest) instead of a new one.
 */
export function ociLabels(args: { title: string; git: GitFacts; tags: DerivedTag[]; now?: Date }): Record<string, string> {
  const semver = args.tags.find((t) => t.rule === 'semver')?.tag;
  const version = semver ?? args.tags.find((t) => t.rule === 'sha')?.tag ?? args.tags[0]?.tag ?? 'dev';
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': args.title,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.created':
      args.git.commitTime && !args.git.dirty ? new Date(args.git.commitTime).toISOString() : (args.now ?? new Date()).toISOString(),
  };
  if (args.git.sha) labels['org.opencontainers.image.revision'] = args.git.sha;
  if (args.git.remoteUrl) labels['org.opencontainers.image.source'] = args.git.remoteUrl;
  return labels;
}
