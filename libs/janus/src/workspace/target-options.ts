import type { ExecutorContext } from '@nx/devkit';
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

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

/** The path itself if it exists, else its nearest existing ancestor. */
function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/**
 * Why an output path (absolute) cannot be written as a `file` or a `directory`, or undefined when it can: it
 * is the other kind already, or a file stands on its way (`package.json/x`). Checked before any work starts,
 * so a long build or test run does not end in a raw ENOTDIR/EISDIR.
 */
export function outputPathProblem(path: string, kind: 'file' | 'directory'): string | undefined {
  const blocker = nearestExisting(path);
  const isDir = statSync(blocker).isDirectory();
  if (blocker === path) {
    if (kind === 'file' && isDir) return `${path} is a directory`;
    if (kind === 'directory' && !isDir) return `${path} is a file`;
    return undefined;
  }
  return isDir ? undefined : `${blocker} is a file, so ${path} cannot be created`;
}
