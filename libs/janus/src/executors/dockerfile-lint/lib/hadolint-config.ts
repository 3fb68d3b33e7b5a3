import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { describeIssues } from '../../../schema/parse-options';
import { UserError } from '../../../errors/user-error';

/** hadolint's file names, in the order hadolint itself prefers them. */
const NAMES = ['.hadolint.yaml', '.hadolint.yml'];

// Only `ignored` means something here; hadolint's other keys (override, trustedRegistries, failure-threshold…)
// are left for hadolint and pass unchecked.
const hadolintConfigSchema = z.looseObject({
  ignored: z.array(z.string({ error: 'must be a rule id such as DL3008' }), { error: 'must be a list of rule ids, e.g. [DL3008, DL3015]' }).optional(),
});

export interface HadolintConfig {
  /** Absolute path of the file read. */
  file: string;
  ignored: string[];
}

/** Raised for a .hadolint.yaml that cannot be read as hadolint would read it; the message names the file. */
export class HadolintConfigError extends UserError {
  constructor(file: string, problems: string[]) {
    super(`janus:dockerfile-lint: ${file} is malformed\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'HadolintConfigError';
  }
}

/**
 * The `.hadolint.yaml` (or `.yml`) that applies to a project: the project's own, else the workspace's, as a
 * team moving from hadolint keeps it. Null when there is none.
 */
export function findHadolintConfig(projectRoot: string, workspaceRoot: string): HadolintConfig | null {
  for (const dir of projectRoot === workspaceRoot ? [projectRoot] : [projectRoot, workspaceRoot]) {
    const file = NAMES.map((name) => join(dir, name)).find((f) => existsSync(f));
    if (file) return readHadolintConfig(file);
  }
  return null;
}

export function readHadolintConfig(file: string): HadolintConfig {
  let raw: unknown;
  try {
    // yaml is loaded only when there is a file to read: most projects have none, and every build lints.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
    raw = (require('yaml') as typeof Yaml).parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HadolintConfigError(file, [`not valid YAML: ${(e as Error).message.split('\n')[0].replace(/:$/, '')}`]);
  }
  // An empty file (or one with only comments) configures nothing.
  if (raw === null || raw === undefined) return { file, ignored: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HadolintConfigError(file, ['must be a mapping with hadolint keys such as `ignored:`, not a list or a single value']);
  }
  const result = hadolintConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new HadolintConfigError(file, describeIssues(result.error, raw));
  return { file, ignored: result.data.ignored ?? [] };
}
