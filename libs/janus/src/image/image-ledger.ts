import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The images this workspace's builds made, one `<image id> <project>` line each, kept beside Nx's workspace
 * data (not an Nx output, so no cache hit or clone shares it). An image without tags carries nothing that says
 * whose it is, and two clones on one engine build images with the same labels: this list is how docker-clean
 * removes this workspace's dangling images and never anybody else's.
 */
export function imageLedgerPath(workspaceRoot: string): string {
  return join(workspaceRoot, '.nx', 'workspace-data', 'janus-built-images');
}

export function noteBuiltImages(workspaceRoot: string, project: string, imageIds: string[]): void {
  const file = imageLedgerPath(workspaceRoot);
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, imageIds.map((id) => `${id} ${project}\n`).join(''));
  } catch {
    // Only a list for cleaning up: a build never fails because it could not be noted.
  }
}

export function builtImages(workspaceRoot: string): Map<string, string> {
  const file = imageLedgerPath(workspaceRoot);
  if (!existsSync(file)) return new Map();
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([id]) => id?.startsWith('sha256:'));
  return new Map(entries.map(([id, project]) => [id, project ?? '']));
}

/** Keeps only the ids still in the engine, so the list does not grow for ever. */
export function keepBuiltImages(workspaceRoot: string, keep: Map<string, string>): void {
  const file = imageLedgerPath(workspaceRoot);
  if (!existsSync(file)) return;
  writeFileSync(`${file}.${process.pid}`, [...keep].map(([id, p]) => `${id} ${p}\n`).join(''));
  renameSync(`${file}.${process.pid}`, file);
}
