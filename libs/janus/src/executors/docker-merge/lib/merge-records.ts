import { isDeepStrictEqual } from 'node:util';
import type { BuildRecord } from '../../../image/build-record';

/** One platform build's record and where it came from (its target, for every message). */
export interface PlatformRecord {
  source: string;
  record: BuildRecord;
}

/** What every part of a split build must agree on to be one image: the same source, base, arguments and names. */
const MUST_AGREE: Array<[string, (r: BuildRecord) => unknown]> = [
  ['image', (r) => r.image],
  ['commit', (r) => `${r.git.sha}${r.git.dirty ? ' (dirty)' : ''}`],
  ['base image digest', (r) => (r.baseImage?.digest ? `${r.baseImage.ref}@${r.baseImage.digest}` : undefined)],
  ['tags', (r) => r.tags.join(', ')],
  ['build args', (r) => r.buildArgs],
  ['labels', (r) => r.labels],
  ['secrets', (r) => r.secrets.map((s) => s.id).join(', ')],
];

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const platformsOf = (p: PlatformRecord) => `${p.source} (${p.record.platforms.map((x) => x.platform).join(', ')})`;

/**
 * The records of platform builds made apart (one runner per platform) as the record of one multi-platform
 * build: nothing is rebuilt, the platform images are the ones each build pushed to the registry by digest.
 * Refused, naming both records, when they could not be one image: another commit, another base image digest,
 * other tags, arguments or labels; or when a platform was built twice or is not in the registry.
 */
export function mergePlatformRecords(parts: PlatformRecord[]): BuildRecord {
  if (parts.length === 0) throw new Error('janus:docker-merge: no platform records to merge');
  const problems: string[] = [];
  for (const p of parts) {
    const unstaged = p.record.platforms.filter((x) => p.record.keepImagesIn !== 'registry' || !x.digest).map((x) => x.platform);
    if (unstaged.length)
      problems.push(
        `${p.source} keeps ${unstaged.join(', ')} only in the engine that built it (keepImagesIn: engine); a split build keeps each platform in the registry by digest (the ci configuration, or --keepImagesIn=registry)`,
      );
  }
  const first = parts[0];
  for (const p of parts.slice(1)) {
    for (const [what, of] of MUST_AGREE) {
      const [a, b] = [of(first.record), of(p.record)];
      // A base digest one record could not look up is not a disagreement; two different ones are.
      if (what === 'base image digest' && (a === undefined || b === undefined)) continue;
      if (!isDeepStrictEqual(a, b)) problems.push(`they disagree on the ${what}: ${platformsOf(first)} has ${show(a)}, ${platformsOf(p)} has ${show(b)}`);
    }
  }
  const seen = new Map<string, string>();
  for (const p of parts) {
    for (const x of p.record.platforms) {
      if (seen.has(x.platform)) problems.push(`${x.platform} is built by both ${seen.get(x.platform)} and ${p.source}`);
      seen.set(x.platform, p.source);
    }
  }
  if (problems.length) throw new Error(`janus:docker-merge: the platform records cannot be one image:\n  ${problems.join('\n  ')}\nnothing was merged`);
  const engines = [...new Set(parts.map((p) => p.record.engine))];
  return {
    ...first.record,
    pushed: false,
    indexDigest: undefined,
    platforms: parts.flatMap((p) => p.record.platforms),
    engine: engines.join(', '),
  };
}
