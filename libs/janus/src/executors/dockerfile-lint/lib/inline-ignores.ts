import { type DockerfileModel, lineOf } from '../../../dockerfile/dockerfile-model';
import type { Finding } from './finding';

// `# janus-lint ignore=JD004` or hadolint's own `# hadolint ignore=DL3025, DL3002  # why`: same grammar, so a
// Dockerfile written for hadolint keeps its exemptions here.
const DIRECTIVE = /^\s*#\s*(?:janus-lint|hadolint)\s+(global\s+)?ignore\s*=\s*(\w+(?:\s*,\s*\w+)*)\s*(?:#.*)?$/;

export interface InlineIgnores {
  global: Set<string>;
  /** 1-based instruction line → rule ids ignored on it. */
  byLine: Map<number, Set<string>>;
}

/**
 * Reads ignore directives: `# janus-lint ignore=JD004,JD008` (or `# hadolint ignore=DL3025`) applies to the
 * next instruction, `# janus-lint global ignore=JD003` (or `# hadolint global ignore=…`) to the whole file.
 * DL ids switch off the findings that stand for them.
 */
export function readInlineIgnores(model: DockerfileModel): InlineIgnores {
  const global = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  const instructionLines = model.ast
    .getInstructions()
    .map(lineOf)
    .sort((a, b) => a - b);
  // Read from the text rather than the parser's comments: a directive on the first line would otherwise be
  // taken for a parser directive (`# syntax=…`) and never reach the comment list.
  const textLines = model.text.split('\n');
  for (let index = 0; index < textLines.length; index++) {
    const match = DIRECTIVE.exec(textLines[index]);
    if (!match) continue;
    const ids = match[2].split(',').map((s) => s.trim());
    if (match[1]) {
      ids.forEach((id) => global.add(id));
      continue;
    }
    const commentLine = index + 1;
    const next = instructionLines.find((l) => l > commentLine);
    if (next === undefined) continue;
    const set = byLine.get(next) ?? new Set<string>();
    ids.forEach((id) => set.add(id));
    byLine.set(next, set);
  }
  return { global, byLine };
}

/** A finding is ignored by its own id, or by the hadolint id it stands for (so DL3007 leaves JD006's DL3006 findings alone). */
export function matchesIgnore(finding: Finding, ids: ReadonlySet<string> | undefined): boolean {
  return Boolean(ids && (ids.has(finding.rule) || (finding.hadolint !== null && ids.has(finding.hadolint))));
}

export function isIgnored(finding: Finding, ignores: InlineIgnores): boolean {
  return matchesIgnore(finding, ignores.global) || matchesIgnore(finding, ignores.byLine.get(finding.line));
}
