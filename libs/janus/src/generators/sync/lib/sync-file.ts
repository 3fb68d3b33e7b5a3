import {
  allRegions,
  beginMarker,
  commentSyntax,
  contentHash,
  expand,
  type MarkerProblem,
  parseRegions,
  type Region,
  type RegionTree,
  regionPlaceholder,
  serialize,
  wholeFileHash,
} from '../../../rendering/managed-regions';
import type { RenderedFile } from '../../../rendering/template-renderer';
import { lineDiff } from './line-diff';
import { UserError } from '../../../errors/user-error';

export interface RegionChange {
  partial: string;
  added: number;
  removed: number;
  /** An owner-edited region replaced because of --force. */
  forced?: boolean;
  /** Before (`-`) against after (`+`), shortened around the changes. */
  diff?: string;
}

export interface RegionConflict {
  partial: string;
  line: number;
  /** Theirs (`-`) against the new rendering (`+`). */
  diff: string;
}

export interface FileSyncResult {
  /** The file's new text, when anything in it changes. */
  content?: string;
  changed: RegionChange[];
  /** Owner-edited regions the templates changed: kept as they are (without --force). */
  conflicts: RegionConflict[];
  /** Owner-edited regions the templates did not change: nothing to do, but a check lists them, as they are no longer the templates' text. */
  edited: { partial: string; line: number }[];
  /** Broken markers: the file is left untouched. */
  problems: MarkerProblem[];
  /** Regions without a partial any more, partials without a region: reported, nothing done about them. */
  notes: string[];
}

// A nested region shows as one line in its parent's diff, not as its placeholder's NUL.
const readable = (own: string) => expand(own, (p) => `… region ${p} …\n`);

/**
 * Brings the managed regions of one file up to a fresh rendering of it: a region still as it was rendered is
 * replaced, one its owner edited is kept (and reported with a diff) unless `force`, and every byte outside
 * regions stays as it is.
 */
export function syncRegions(path: string, current: string, rendered: RenderedFile, force: boolean): FileSyncResult {
  const result: FileSyncResult = { changed: [], conflicts: [], edited: [], problems: [], notes: [] };
  const parsed = parseRegions(path, current);
  if (!parsed.ok) return { ...result, problems: parsed.problems };
  const fresh = parseRegions(path, rendered.content);
  if (!fresh.ok) throw new UserError(`janus: the rendering of ${path} has broken markers: ${fresh.problems.map((p) => `${p.line}: ${p.message}`).join('; ')}`);
  const syntax = commentSyntax(path)!;
  const freshRegions = new Map(allRegions(fresh).map((r) => [r.partial, r]));
  const present = new Set(allRegions(parsed).map((r) => r.partial));

  const writeRegion = (cur: Region): string => {
    const next = freshRegions.get(cur.partial);
    let own = cur.own;
    let begin = cur.beginText;
    const eol = cur.beginText.endsWith('\r\n') ? '\r\n' : '\n';
    if (!next) {
      result.notes.push(`${path}:${cur.beginLine}: region ${cur.partial}: the templates no longer render this partial here; left as it is`);
    } else if (next.own !== cur.own && next.hash !== cur.hash) {
      // The templates changed this region since it was rendered (an owner's edit alone is theirs to keep).
      const edited = contentHash(cur.own) !== cur.hash;
      const diff = lineDiff(readable(cur.own), readable(next.own));
      if (!edited || force) {
        own = next.own;
        begin = `${cur.indent}${beginMarker(syntax, cur.partial, next.hash)}${eol}`;
        result.changed.push({ partial: cur.partial, added: diff.added, removed: diff.removed, diff: diff.text, ...(edited ? { forced: true } : {}) });
      } else {
        result.conflicts.push({ partial: cur.partial, line: cur.beginLine, diff: diff.text });
      }
    } else if (next.own === cur.own && cur.hash !== next.hash) {
      // The owner's edit is exactly what the templates render now: the region is managed again.
      begin = `${cur.indent}${beginMarker(syntax, cur.partial, next.hash)}${eol}`;
      result.changed.push({ partial: cur.partial, added: 0, removed: 0 });
    } else if (next.own !== cur.own && contentHash(cur.own) !== cur.hash) {
      result.edited.push({ partial: cur.partial, line: cur.beginLine });
    }
    return begin + expand(own, (p) => child(p, cur, next)) + cur.endText;
  };
  // A placeholder in the text chosen for a region: its current nested region, or a new one the templates added.
  const child = (partial: string, cur: RegionTree, next: RegionTree | undefined): string => {
    const existing = cur.children.find((c) => c.partial === partial);
    if (existing) return writeRegion(existing);
    const added = next?.children.find((c) => c.partial === partial);
    if (!added) throw new UserError(`janus: ${path}: no region ${partial} to write`);
    result.changed.push({ partial, added: added.endLine - added.beginLine + 1, removed: 0 });
    present.add(partial);
    return serialize({ own: regionPlaceholder(partial), children: [added] });
  };
  const content = expand(parsed.own, (p) => child(p, parsed, undefined));
  for (const partial of freshRegions.keys()) {
    if (!present.has(partial)) {
      result.notes.push(
        `${path}: the templates now render the partial ${partial} here, but the file has no region for it; add one (or regenerate the project)`,
      );
    }
  }
  return content === current ? result : { ...result, content };
}

/** A wholly managed file (JSON): replaced when still as rendered (by `recordedHash`), else kept unless `force`. */
export function syncWholeFile(path: string, current: string, rendered: RenderedFile, recordedHash: string | undefined, force: boolean): FileSyncResult {
  const result: FileSyncResult = { changed: [], conflicts: [], edited: [], problems: [], notes: [] };
  const hash = wholeFileHash(path, current);
  // In step with the templates, or the templates have not changed it since (an owner's edit is theirs to keep).
  if (hash === rendered.whole!.hash) return result;
  if (rendered.whole!.hash === recordedHash) return hash === recordedHash ? result : { ...result, edited: [{ partial: '(whole file)', line: 1 }] };
  const diff = lineDiff(current, rendered.content);
  const edited = hash !== recordedHash;
  if (edited && !force) return { ...result, conflicts: [{ partial: '(whole file)', line: 1, diff: diff.text }] };
  return {
    ...result,
    content: rendered.content,
    changed: [{ partial: '(whole file)', added: diff.added, removed: diff.removed, diff: diff.text, ...(edited ? { forced: true } : {}) }],
  };
}
