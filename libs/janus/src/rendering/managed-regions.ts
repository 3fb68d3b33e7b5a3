import { createHash } from 'node:crypto';
import { basename } from 'node:path';

/**
 * Managed regions: what a project got from a shared partial sits between a begin and an end marker, so
 * `nx sync` can re-render exactly that and leave everything around it to the project's owner. The begin
 * marker carries the hash of what was rendered there, which tells a region nobody touched (safe to replace)
 * from one its owner edited (kept, and reported).
 */

export interface CommentSyntax {
  open: string;
  close: string;
}

const HASH = { open: '#', close: '' };
const SLASHES = { open: '//', close: '' };
const HTML = { open: '<!--', close: ' -->' };

// `#` is a comment in Dockerfiles (and hadolint/BuildKit ignore it; `# janus:begin x` has no `=`, so it is
// never read as a parser directive), .dockerignore, YAML, TOML, Python and shell.
const BY_NAME: Record<string, CommentSyntax> = { Dockerfile: HASH, '.dockerignore': HASH, '.gitignore': HASH, '.hadolint.yaml': HASH };
const BY_EXTENSION: Record<string, CommentSyntax> = {
  yaml: HASH,
  yml: HASH,
  toml: HASH,
  py: HASH,
  sh: HASH,
  cfg: HASH,
  ini: HASH,
  txt: HASH,
  md: HTML,
  html: HTML,
  ts: SLASHES,
  js: SLASHES,
  mjs: SLASHES,
};

/** The line comment of a file's type, or undefined where the format has none (JSON): such files are managed whole. */
export function commentSyntax(path: string): CommentSyntax | undefined {
  const name = basename(path);
  if (BY_NAME[name]) return BY_NAME[name];
  if (/^Dockerfile\.|\.Dockerfile$|^Containerfile/.test(name)) return HASH;
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return BY_EXTENSION[ext];
}

/** Short content hash of a region or whole file: enough to notice an edit, short enough to read in a marker. */
export function contentHash(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 12);
}

/**
 * A wholly managed file's hash. JSON is hashed by its value, not its bytes, so a formatter re-indenting it
 * (the generator ends with formatFiles) is not mistaken for an owner's edit.
 */
export function wholeFileHash(path: string, content: string): string {
  if (path.endsWith('.json')) {
    try {
      return contentHash(JSON.stringify(JSON.parse(content)));
    } catch {
      // Not JSON any more: hashed as bytes, which will not match, so the file counts as edited.
    }
  }
  return contentHash(content);
}

export const beginMarker = (s: CommentSyntax, partial: string, hash: string) => `${s.open} janus:begin ${partial} ${hash}${s.close}`;
export const endMarker = (s: CommentSyntax, partial: string) => `${s.open} janus:end ${partial}${s.close}`;

/** Stands for a nested region inside its parent's own text (never valid in a real file: it holds a NUL). */
export const regionPlaceholder = (partial: string) => `\u0000${partial}\n`;
// eslint-disable-next-line no-control-regex -- the placeholder is a NUL line on purpose: no file can hold one
const PLACEHOLDER = /\u0000([^\n]+)\n/g;

export interface Region {
  partial: string;
  /** The hash recorded in the begin marker: of this region's own text when it was last rendered. */
  hash: string;
  /** The region's own lines (each with its newline), a nested region standing as its placeholder line. */
  own: string;
  children: Region[];
  /** The marker lines exactly as they are in the file. */
  beginText: string;
  endText: string;
  indent: string;
  /** 1-based line numbers of the marker lines. */
  beginLine: number;
  endLine: number;
}

/** A file split into the owner's text (regions as placeholder lines) and its top-level regions. */
export interface RegionTree {
  own: string;
  children: Region[];
}

export interface MarkerProblem {
  line: number;
  message: string;
}

export type ParsedRegions = ({ ok: true } & RegionTree) | { ok: false; problems: MarkerProblem[] };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits into lines that keep their newline, so joining them gives back the text byte for byte. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Every region of a tree, depth first in file order. */
export function allRegions(tree: RegionTree): Region[] {
  return tree.children.flatMap((r) => [r, ...allRegions(r)]);
}

/** The regions of a file, or every marker problem in it (unbalanced, duplicated, malformed) by line. */
export function parseRegions(path: string, text: string): ParsedRegions {
  const syntax = commentSyntax(path);
  const lines = splitLines(text);
  if (!syntax) return { ok: true, own: text, children: [] };
  const marker = new RegExp(`^(\\s*)${escape(syntax.open)}\\s*janus:(begin|end)\\b(.*?)${escape(syntax.close.trim())}\\s*$`);
  const problems: MarkerProblem[] = [];
  const seen = new Map<string, number>();
  type Open = { partial: string; hash: string; indent: string; line: number; text: string; own: string[]; children: Region[] };
  const root: Open = { partial: '', hash: '', indent: '', line: 0, text: '', own: [], children: [] };
  const stack: Open[] = [root];
  lines.forEach((raw, i) => {
    const line = i + 1;
    const top = stack[stack.length - 1];
    if (raw.includes('\u0000')) problems.push({ line, message: 'a NUL character, which no managed text holds' });
    const m = marker.exec(raw.replace(/\r?\n$/, ''));
    if (!m) {
      top.own.push(raw);
      return;
    }
    const [, indent, kind, rest] = m;
    const words = rest.trim().split(/\s+/).filter(Boolean);
    if (kind === 'begin') {
      if (words.length !== 2 || !/^[0-9a-f]{12}$/.test(words[1])) {
        problems.push({ line, message: 'malformed begin marker: expected "janus:begin <partial> <12-hex hash>"' });
        return;
      }
      if (seen.has(words[0])) problems.push({ line, message: `a second region for ${words[0]} (the first begins on line ${seen.get(words[0])})` });
      seen.set(words[0], line);
      stack.push({ partial: words[0], hash: words[1], indent, line, text: raw, own: [], children: [] });
      return;
    }
    if (words.length !== 1) {
      problems.push({ line, message: 'malformed end marker: expected "janus:end <partial>"' });
      return;
    }
    if (stack.length === 1) {
      problems.push({ line, message: `janus:end ${words[0]} without a janus:begin before it` });
      return;
    }
    const at = stack.map((o) => o.partial).lastIndexOf(words[0]);
    if (at < 1) {
      problems.push({ line, message: `janus:end ${words[0]} without a janus:begin ${words[0]} before it` });
      return;
    }
    // Regions opened inside this one and never closed: each named once, then the parse goes on from here.
    for (const unclosed of stack.splice(at + 1)) {
      problems.push({ line: unclosed.line, message: `janus:begin ${unclosed.partial} is never closed (janus:end ${words[0]} on line ${line} comes first)` });
    }
    const closed = stack.pop()!;
    const parent = stack[stack.length - 1];
    parent.own.push(regionPlaceholder(closed.partial));
    parent.children.push({
      partial: closed.partial,
      hash: closed.hash,
      own: closed.own.join(''),
      children: closed.children,
      beginText: closed.text,
      endText: raw,
      indent: closed.indent,
      beginLine: closed.line,
      endLine: line,
    });
  });
  for (const open of stack.slice(1)) problems.push({ line: open.line, message: `janus:begin ${open.partial} is never closed (no janus:end ${open.partial})` });
  return problems.length ? { ok: false, problems } : { ok: true, own: root.own.join(''), children: root.children };
}

/** A region's own text with its nested regions written out, through `child` for each. */
export function expand(own: string, child: (partial: string) => string): string {
  return own.replace(PLACEHOLDER, (_m, partial: string) => child(partial));
}

/** The text of a region tree as written in the file. */
export function serialize(tree: RegionTree): string {
  const write = (r: Region): string => r.beginText + expand(r.own, (p) => write(r.children.find((c) => c.partial === p)!)) + r.endText;
  return expand(tree.own, (p) => write(tree.children.find((c) => c.partial === p)!));
}
