import type { Finding } from './finding';

export function formatText(file: string, findings: Finding[]): string {
  const lines = findings.map((f) => `${file}:${f.line} ${f.rule} ${f.name}: ${f.message} — ${f.reason}`);
  lines.push(findings.length === 0 ? `${file}: no findings` : `${file}: ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}

export function formatJson(file: string, findings: Finding[]): string {
  return JSON.stringify({ file, ok: findings.length === 0, findings }, null, 2);
}
