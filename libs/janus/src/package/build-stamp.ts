import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { changedSources, digestSources, type SourceDigests, type SourceSet } from './source-digest';
import { UserError } from '../errors/user-error';

/**
 * What a workspace build of this package records about the sources it was made from. It is written beside
 * the package directory (`dist/libs/janus.build.json` for `dist/libs/janus`), never inside it, so a published
 * package carries none.
 */
export interface BuildStamp {
  /** The checkout the package was built from, relative to the stamp's own directory. */
  workspaceRoot: string;
  sources: SourceSet;
  digests: SourceDigests;
  /** The command that rebuilds it, for the message that asks for it. */
  rebuild: string;
}

/** The stamp of a package directory: the file of the same name plus `.build.json`, beside it. */
export const buildStampPath = (packageRoot: string) => `${resolve(packageRoot)}.build.json`;

export class StaleBuildError extends UserError {
  constructor(packageRoot: string, stamp: BuildStamp, changes: string[]) {
    const shown = changes.slice(0, 5).join(', ') + (changes.length > 5 ? ` and ${changes.length - 5} more` : '');
    super(`janus: the plugin build in ${packageRoot} is older than its sources (${shown}); rebuild it with '${stamp.rebuild}'`);
    this.name = 'StaleBuildError';
  }
}

/**
 * Throws when the package at `packageRoot` was built by a workspace from sources that have changed since;
 * does nothing for a package without a stamp (an installed one). Hashing the sources costs a few tens of
 * milliseconds, against a developer silently running the plugin as it was before their edit.
 */
export function assertBuiltFromCurrentSources(packageRoot: string): void {
  const file = buildStampPath(packageRoot);
  if (!existsSync(file)) return;
  const stamp = JSON.parse(readFileSync(file, 'utf8')) as BuildStamp;
  const root = resolve(dirname(file), stamp.workspaceRoot);
  const changes = changedSources(stamp.digests, digestSources(root, stamp.sources));
  if (changes.length) throw new StaleBuildError(packageRoot, stamp, changes);
}
