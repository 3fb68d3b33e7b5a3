import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from './finding';
import type { Rule } from './rule';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * The findings as a SARIF 2.1.0 log, the format code-scanning services (GitHub, GitLab, Azure) ingest.
 * `uri` comes from `artifactUri`. Every rule is listed, so a clean run still says what was checked.
 */
export function formatSarif(uri: string, findings: Finding[], rules: readonly Rule[]): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: 'janus dockerfile-lint',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.reason },
              defaultConfiguration: { level: r.level ?? 'error' },
              properties: { hadolint: r.hadolint ?? null },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule),
          level: f.level,
          message: { text: `${f.message} — ${f.reason}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri },
                // SARIF lines start at 1; findings about the whole file (line 0 here) point at its first line.
                region: { startLine: Math.max(f.line, 1) },
              },
            },
          ],
          properties: { hadolint: f.hadolint },
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

/**
 * The Dockerfile as SARIF wants it: a URI reference relative to the workspace root, where code-scanning
 * services check the repository out; a file:// URI when it lies outside the workspace.
 */
export function artifactUri(workspaceRoot: string, file: string): string {
  const rel = relative(workspaceRoot, file);
  if (rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(file).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}
