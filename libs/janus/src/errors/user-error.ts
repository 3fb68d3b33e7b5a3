/**
 * A failure the user can act on from its message alone (bad options, a registry that refuses, a stale build, a
 * failed build step): executors print it as one line. Anything that is not one of these is a bug or a case no
 * one foresaw, and its stack is printed (see executors/report-failure.ts). Known by type, never by wording.
 */
export class UserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
