import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { outputPathProblem } from '../workspace/target-options';
import { UserError } from '../errors/user-error';

/** Where contract-test writes its reports unless `reportDir` says otherwise (workspace-relative). */
export const defaultReportDir = (projectName: string) => join('dist/contract', projectName);

const checkResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  ok: z.boolean(),
  figure: z.string(),
  detail: z.string().optional(),
  durationMs: z.number(),
});

/** What one contract run found, as report.json records it: docker-push reads it to ship only what passed. */
export const contractReportSchema = z.object({
  project: z.string(),
  image: z.string(),
  /** The image id (config digest) that was started and checked. */
  imageId: z.string(),
  /** The registry manifest digest that was pulled and checked (`repo@sha256:…`), when the run named one. */
  digest: z.string().startsWith('sha256:').optional(),
  kind: z.string(),
  ok: z.boolean(),
  durationMs: z.number(),
  checks: z.array(checkResultSchema),
});

export type ContractReport = z.infer<typeof contractReportSchema>;

export const REPORT_FILE = 'report.json';

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

function writeAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Each file goes through a rename, so a reader never sees half a report or a previous run's verdict in a new run's file. */
export function writeReports(dir: string, report: ContractReport): void {
  mkdirSync(dir, { recursive: true });
  writeAtomically(join(dir, 'junit.xml'), junitXml(report));
  writeAtomically(join(dir, REPORT_FILE), JSON.stringify(report, null, 2) + '\n');
}

/** Removes a previous run's reports first, so a run that fails before its verdict never leaves an old pass behind. */
export function clearReports(dir: string): void {
  // Checked before the run, so a report directory that can never be written fails in words, not as ENOTDIR.
  const problem = outputPathProblem(dir, 'directory');
  if (problem)
    throw new UserError(`janus:contract-test: 'reportDir' = ${JSON.stringify(dir)}: ${problem}; give a directory, relative to the workspace root or absolute`);
  for (const f of [REPORT_FILE, 'junit.xml']) rmSync(join(dir, f), { force: true });
}

/** The report of the last contract run, or undefined when there is none; a malformed one is an error naming the file. */
export function readContractReport(dir: string): ContractReport | undefined {
  const file = join(dir, REPORT_FILE);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`janus: contract report ${file} is not valid JSON (${(e as Error).message}); run contract-test again`);
  }
  const parsed = contractReportSchema.safeParse(json);
  if (!parsed.success) throw new UserError(`janus: contract report ${file} is not a contract-test report; run contract-test again`);
  return parsed.data;
}
