import type { ExecutorContext } from '@nx/devkit';
import { isAbsolute, join } from 'node:path';

/** Relative paths are from the workspace root, as everywhere in project.json; absolute ones are kept. */
export function workspacePath(workspaceRoot: string, p: string): string {
  return isAbsolute(p) ? p : join(workspaceRoot, p);
}

/**
 * A path option of another target of the same project (e.g. docker-build's `outputPath`, as contract-test
 * reads it), resolved from the workspace root, or `fallback` when that target does not set it. Readers thus
 * follow a project that moved its outputs instead of assuming the default place.
 */
export function siblingTargetPath(context: ExecutorContext, target: string, option: string, fallback: string): string {
  const configured = context.projectsConfigurations?.projects[context.projectName!]?.targets?.[target]?.options as Record<string, unknown> | undefined;
  const value = configured?.[option];
  return workspacePath(context.root, typeof value === 'string' && value ? value : fallback);
}
