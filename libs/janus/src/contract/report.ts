import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from './check-result';

export interface ContractReport {
  project: string;
  image: string;
  kind: string;
  ok: boolean;
  durationMs: number;
  checks: CheckResult[];
}

export function reportTable(report: ContractReport): string {
  const rows = [['check', 'result', 'figure'], ...report.checks.map((c) => [c.id, c.ok ? 'pass' : 'FAIL', c.figure])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const failed = report.checks.filter((c) => !c.ok);
  for (const c of failed) if (c.detail) lines.push('', `${c.id}: ${c.detail}`);
  lines.push(
    '',
    `${report.image}: ${report.checks.length - failed.length}/${report.checks.length} checks passed in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function junitXml(report: ContractReport): string {
  const failures = report.checks.filter((c) => !c.ok).length;
  const cases = report.checks.map((c) => {
    const open = `    <testcase classname="contract.${xml(report.project)}" name="${xml(`${c.id}: ${c.title}`)}" time="${(c.durationMs / 1000).toFixed(3)}"`;
    return c.ok ? `${open}/>` : `${open}>\n      <failure message="${xml(c.figure)}">${xml(c.detail ?? '')}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${report.checks.length}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="contract-test ${xml(report.project)}" tests="${report.checks.length}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function writeReports(dir: string, report: ContractReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'junit.xml'), junitXml(report));
}
