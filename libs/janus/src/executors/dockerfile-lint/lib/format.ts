import type { Finding } from './finding';

/** `JD004/DL3025`: the hadolint id beside ours, so hadolint users recognise the check. */
const ids = (f: Finding) => (f.hadolint ? `${f.rule}/${f.hadolint}` : f.rule);

export function formatText(file: string, findings: Finding[]): string {
  const lines = findings.map((f) => `${file}:${f.line} ${ids(f)} ${f.name}: ${f.message} — ${f.reason}`);
  lines.push(findings.length === 0 ? `${file}: no findings` : `${file}: ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}

export function formatJson(file: string, findings: Finding[]): string {
  return JSON.stringify({ file, ok: findings.length === 0, findings }, null, 2);
}
