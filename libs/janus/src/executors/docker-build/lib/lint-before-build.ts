import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { lintDockerfile } from '../../dockerfile-lint/lib/lint-dockerfile';
import type { NormalizedDockerBuild } from './normalize-options';
import { logger } from '../../../workspace/nx-logger';

/**
 * The dockerfile-lint rules on the Dockerfile this build is about to build, in this process: the same
 * verdict the project's dockerfile-lint target gives (its port, ignore and dockerignore options apply), without
 * a second Nx task and its process start in front of every build. Findings fail the build before the engine
 * is asked for anything.
 */
export function lintBeforeBuild(o: NormalizedDockerBuild): void {
  if (o.lint === false) return;
  const ignoreFile = o.lint.dockerignore ? join(o.workspaceRoot, o.lint.dockerignore) : join(dirname(o.file), '.dockerignore');
  const findings = lintDockerfile({
    dockerfile: o.dockerfile,
    dockerignore: existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : null,
    port: o.lint.port,
    ignore: o.lint.ignore,
  });
  const shown = relative(o.workspaceRoot, o.file);
  if (findings.length === 0) {
    logger.info(`${shown}: no lint findings`);
    return;
  }
  for (const f of findings) logger.error(`${shown}:${f.line} ${f.rule} ${f.name}: ${f.message} — ${f.reason}`);
  throw new Error(
    `janus:docker-build: ${shown} has ${findings.length} lint finding${findings.length === 1 ? '' : 's'}, so nothing was built; fix ${findings.length === 1 ? 'it' : 'them'}, switch a rule off in the dockerfile-lint target's "ignore", or build with --lint=false`,
  );
}
