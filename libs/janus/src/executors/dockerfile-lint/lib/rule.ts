import type { Instruction } from 'dockerfile-ast';
import { type DockerfileModel, lineOf } from '../../../dockerfile/dockerfile-model';
import type { Finding } from './finding';

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
  /** Why the rule exists, in one line: printed with every finding. */
  reason: string;
  check(input: LintInput): Finding[];
}

/** Builds findings for one rule, so each rule states only where and what. */
export function reporter(rule: Pick<Rule, 'id' | 'name' | 'reason'>) {
  return (at: Instruction | number, message: string): Finding => ({
    rule: rule.id,
    name: rule.name,
    line: typeof at === 'number' ? at : lineOf(at),
    message,
    reason: rule.reason,
  });
}
