import { DockerfileModel } from '../../../dockerfile/dockerfile-model';
import type { Finding } from './finding';
import { isIgnored, readInlineIgnores } from './inline-ignores';
import { RULES } from './rules';

export { RULES, RULE_IDS } from './rules';

export interface LintRequest {
  dockerfile: string;
  dockerignore: string | null;
  port?: number;
  /** Rule ids switched off for the whole project. */
  ignore?: string[];
}

/** Runs every rule on one Dockerfile; pure, so rules are testable without a file system. */
export function lintDockerfile(req: LintRequest): Finding[] {
  const model = new DockerfileModel(req.dockerfile);
  const inline = readInlineIgnores(model);
  const ignored = new Set(req.ignore ?? []);
  return RULES.filter((rule) => !ignored.has(rule.id))
    .flatMap((rule) => rule.check({ model, dockerignore: req.dockerignore, port: req.port }))
    .filter((f) => !isIgnored(f, inline))
    .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}
