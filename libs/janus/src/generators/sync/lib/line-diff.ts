import { splitLines } from '../../../rendering/managed-regions';

export interface LineDiff {
  added: number;
  removed: number;
  /** `-`/`+`/` ` prefixed lines, unchanged runs longer than `context` lines shortened to an ellipsis. */
  text: string;
}

// Managed regions are a few dozen lines: a plain LCS table is small and keeps the plugin free of a diff package.
export function lineDiff(before: string, after: string, context = 2): LineDiff {
  const a = splitLines(before).map((l) => l.replace(/\r?\n$/, ''));
  const b = splitLines(after).map((l) => l.replace(/\r?\n$/, ''));
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { op: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i++] });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ op: '-', line: a[i++] });
    else ops.push({ op: '+', line: b[j++] });
  }
  const near = (k: number) => ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.op !== ' ');
  const out: string[] = [];
  let skipped = false;
  ops.forEach((o, k) => {
    if (o.op !== ' ' || near(k)) {
      out.push(`${o.op} ${o.line.split('\u0000').join('')}`);
      skipped = false;
    } else if (!skipped) {
      out.push('  ...');
      skipped = true;
    }
  });
  return { added: ops.filter((o) => o.op === '+').length, removed: ops.filter((o) => o.op === '-').length, text: out.join('\n') };
}
