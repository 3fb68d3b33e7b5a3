import { type Finding, isError } from './finding';

/** `JD004/DL3025`: the hadolint id beside ours, so hadolint users recognise the check. */
const ids = (f: Finding) => (f.hadolint ? `${f.rule}/${f.hadolint}` : f.rule);

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function formatText(file: string, findings: Finding[]): string {
  const lines = findings.map((f) => `${file}:${f.line} ${ids(f)} ${f.name}${isError(f) ? '' : ` (${f.level})`}: ${f.message} — ${f.reason}`);
  const errors = findings.filter(isError).length;
  const notes = findings.length - errors;
  const summary = errors === 0 ? 'no findings' : count(errors, 'finding');
  lines.push(`${file}: ${summary}${notes ? ` (${count(notes, 'note')})` : ''}`);
  return lines.join('\n');
}

export function formatJson(file: string, findings: Finding[]): string {
  return JSON.stringify({ file, ok: !findings.some(isError), findings }, null, 2);
}
