import { DockerfileModel } from '../../../dockerfile/dockerfile-model';
import type { Finding } from './finding';
import { isIgnored, matchesIgnore, readInlineIgnores } from './inline-ignores';
import { RULES } from './rules';

export { HADOLINT_IDS, RULES, RULE_IDS } from './rules';

export interface LintRequest {
  dockerfile: string;
  dockerignore: string | null;
  port?: number;
  /** Rule ids (JD…, or the hadolint DL… ids they map) switched off for the whole project. */
  ignore?: string[];
}

/** Runs every rule on one Dockerfile; pure, so rules are testable without a file system. */
export function lintDockerfile(req: LintRequest): Finding[] {
  const model = new DockerfileModel(req.dockerfile);
  const inline = readInlineIgnores(model);
  const ignored = new Set(req.ignore ?? []);
  // Without a stage there is nothing the other rules could judge; their silence would read as a pass.
  const rules = model.stages.length === 0 ? RULES.filter((r) => r.ignorable === false) : RULES;
  return rules
    .flatMap((rule) => rule.check({ model, dockerignore: req.dockerignore, port: req.port }).map((finding) => ({ rule, finding })))
    .filter(({ rule, finding }) => rule.ignorable === false || (!matchesIgnore(finding, ignored) && !isIgnored(finding, inline)))
    .map(({ finding }) => finding)
    .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}
