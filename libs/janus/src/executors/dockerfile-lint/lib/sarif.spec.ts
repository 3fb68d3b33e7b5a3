import { join } from 'node:path';
import { z } from 'zod';
import { lintDockerfile, RULES } from './lint-dockerfile';
import { artifactUri, formatSarif } from './sarif';

const level = z.enum(['none', 'note', 'warning', 'error']);

/** The parts of SARIF 2.1.0 this report promises, and that code-scanning services read. */
const sarifLog = z.object({
  $schema: z.url(),
  version: z.literal('2.1.0'),
  runs: z
    .array(
      z.object({
        tool: z.object({
          driver: z.object({
            name: z.string().min(1),
            rules: z.array(
              z.strictObject({
                id: z.string().regex(/^JD\d{3}$/),
                name: z.string().regex(/^[a-z0-9-]+$/),
                shortDescription: z.object({ text: z.string().min(20) }),
                helpUri: z.url().optional(),
                defaultConfiguration: z.object({ level }),
                properties: z.object({
                  hadolint: z
                    .array(z.string().regex(/^DL\d{4}$/))
                    .min(1)
                    .nullable(),
                }),
              }),
            ),
          }),
        }),
        results: z.array(
          z.object({
            ruleId: z.string(),
            ruleIndex: z.int().nonnegative(),
            level,
            message: z.object({ text: z.string().min(1) }),
            locations: z
              .array(
                z.object({
                  physicalLocation: z.object({
                    artifactLocation: z.object({ uri: z.string().min(1) }),
                    region: z.object({ startLine: z.int().min(1) }),
                  }),
                }),
              )
              .length(1),
            properties: z.object({
              hadolint: z
                .string()
                .regex(/^DL\d{4}$/)
                .nullable(),
            }),
          }),
        ),
      }),
    )
    .length(1),
});

describe('SARIF output', () => {
  const dockerfile = 'FROM python:latest\nONBUILD RUN make\nCMD python\n';
  const findings = lintDockerfile({ dockerfile, dockerignore: null });
  const log = sarifLog.parse(JSON.parse(formatSarif('apps/a/Dockerfile', findings, RULES)));
  const [run] = log.runs;

  it('lists every rule with its hadolint ids and default level', () => {
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(run.tool.driver.rules.find((r) => r.id === 'JD006')).toMatchObject({ name: 'pinned-base-image', properties: { hadolint: ['DL3006', 'DL3007'] } });
    expect(run.tool.driver.rules.find((r) => r.id === 'JD002')?.properties.hadolint).toBeNull();
    expect(run.tool.driver.rules.find((r) => r.id === 'JD011')?.defaultConfiguration.level).toBe('note');
  });

  it('has one result per finding, pointing at its rule, file and line; file-level findings at line 1', () => {
    const rows = run.results.map((r) => [
      r.ruleId,
      run.tool.driver.rules[r.ruleIndex].id,
      r.level,
      r.properties.hadolint,
      r.locations[0].physicalLocation.artifactLocation.uri,
      r.locations[0].physicalLocation.region.startLine,
    ]);
    expect(rows).toEqual([
      ['JD010', 'JD010', 'error', null, 'apps/a/Dockerfile', 1],
      ['JD001', 'JD001', 'error', 'DL3002', 'apps/a/Dockerfile', 1],
      ['JD002', 'JD002', 'error', null, 'apps/a/Dockerfile', 1],
      ['JD006', 'JD006', 'error', 'DL3007', 'apps/a/Dockerfile', 1],
      ['JD011', 'JD011', 'note', null, 'apps/a/Dockerfile', 2],
      ['JD004', 'JD004', 'error', 'DL3025', 'apps/a/Dockerfile', 3],
    ]);
    expect(run.results[0].message.text).toMatch(/^no .dockerignore beside the Dockerfile — without a .dockerignore/);
  });

  it('a clean run is a valid log with no results', () => {
    expect(sarifLog.parse(JSON.parse(formatSarif('Dockerfile', [], RULES))).runs[0].results).toEqual([]);
  });

  it('names the file relative to the workspace root, as a URI', () => {
    expect(artifactUri('/ws', '/ws/apps/my agent/Dockerfile')).toBe('apps/my%20agent/Dockerfile');
    expect(artifactUri('/ws', join('/elsewhere', 'Dockerfile'))).toBe('file:///elsewhere/Dockerfile');
  });
});
