import type { Instruction } from 'dockerfile-ast';
import { type DockerfileModel, lineOf } from '../../../dockerfile/dockerfile-model';
import type { Finding, FindingLevel } from './finding';

export interface LintInput {
  model: DockerfileModel;
  /** The .dockerignore beside the Dockerfile, or null when there is none. */
  dockerignore: string | null;
  /** The port the project is configured to serve on, when known. */
  port?: number;
}

export interface Rule {
  id: string;
  name: string;
  /** hadolint's ids for the same check (JD006 covers both DL3006 and DL3007); null where hadolint has none. */
  hadolint: readonly [string, ...string[]] | null;
  /** Default `error`. */
  level?: FindingLevel;
  /** false for verdicts about the file itself (JD000), which no ignore can waive. */
  ignorable?: boolean;
  /** Why the rule exists, in one line: printed with every finding. */
  reason: string;
  check(input: LintInput): Finding[];
}

/** Builds findings for one rule, so each rule states only where and what (and, if it has several, which hadolint id). */
export function reporter(rule: Pick<Rule, 'id' | 'name' | 'reason' | 'hadolint' | 'level'>) {
  return (at: Instruction | number, message: string, hadolint: string | null = rule.hadolint?.[0] ?? null): Finding => ({
    rule: rule.id,
    hadolint,
    name: rule.name,
    level: rule.level ?? 'error',
    line: typeof at === 'number' ? at : lineOf(at),
    message,
    reason: rule.reason,
  });
}
