import { fromNx } from '../../../plugin/nx-runtime';

type SyncErrorClass = new (title: string, bodyLines?: string[]) => Error;

// Nx prints a SyncError's title and body lines as they are (a plain Error as its message only). Taken from the
// nx module that defines it, so Nx recognises it; an Nx without it still fails the check on a plain Error.
const syncError = fromNx<SyncErrorClass | null>('utils/sync-generators', 'SyncError', 'nx/src/utils/sync-generators');

function nxSyncError(): SyncErrorClass | undefined {
  try {
    return syncError() ?? undefined;
  } catch {
    return undefined;
  }
}

/** The error that fails `nx sync:check` (and `nx sync`) when managed files cannot be checked, naming each one. */
export function cannotCheck(problems: string[]): Error {
  const title = `janus: ${problems.length} managed file(s) or janus.json record(s) cannot be checked against the templates`;
  const body = [...problems, 'Fix each, then run "nx sync"; "nx g janus:sync" meanwhile syncs every project it can.'];
  const SyncError = nxSyncError();
  return SyncError ? new SyncError(title, body) : new Error([title, ...body].join('\n  '));
}
