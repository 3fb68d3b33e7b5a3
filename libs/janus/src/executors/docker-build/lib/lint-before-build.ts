import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { isError } from '../../dockerfile-lint/lib/finding';
import { findHadolintConfig } from '../../dockerfile-lint/lib/hadolint-config';
import { lintDockerfile } from '../../dockerfile-lint/lib/lint-dockerfile';
import type { NormalizedDockerBuild } from './normalize-options';
import { logger } from '../../../workspace/nx-logger';
import { UserError } from '../../../errors/user-error';

/**
 * The dockerfile-lint rules on the Dockerfile this build is about to build, in this process: the same
 * verdict the project's dockerfile-lint target gives (its port, ignore and dockerignore options apply), without
 * a second Nx task and its process start in front of every build. Findings fail the build before the engine
 * is asked for anything.
 */
export function lintBeforeBuild(o: NormalizedDockerBuild): void {
  if (o.lint === false) return;
  // As the dockerfile-lint target reads them: its dockerignore relative to the project root, and the
  // .hadolint.yaml `ignored:` list of the project or the workspace.
  const projectRoot = join(o.workspaceRoot, o.projectRoot);
  const given = o.lint.dockerignore;
  const ignoreFile = given ? (isAbsolute(given) ? given : join(projectRoot, given)) : join(dirname(o.file), '.dockerignore');
  const hadolint = findHadolintConfig(projectRoot, o.workspaceRoot);
  const findings = lintDockerfile({
    dockerfile: o.dockerfile,
    dockerignore: existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : null,
    port: o.lint.port,
    ignore: [...(o.lint.ignore ?? []), ...(hadolint?.ignored ?? [])],
  }).filter(isError);
  const shown = relative(o.workspaceRoot, o.file);
  if (findings.length === 0) {
    logger.info(`${shown}: no lint findings`);
    return;
  }
  for (const f of findings) logger.error(`${shown}:${f.line} ${f.rule} ${f.name}: ${f.message} — ${f.reason}`);
  throw new UserError(
    `janus:docker-build: ${shown} has ${findings.length} lint finding${findings.length === 1 ? '' : 's'}, so nothing was built; fix ${findings.length === 1 ? 'it' : 'them'}, switch a rule off in the dockerfile-lint target's "ignore", or build with --lint=false`,
  );
}
