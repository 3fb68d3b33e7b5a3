// Every executor and generator loads this module to parse its options before it does anything, so this is
// where a workspace build of the plugin older than its sources is stopped, once for all of them.
import '../package/assert-current-build';
import type { z } from 'zod';
import { describeIssues } from './describe-issues';
import { UserError } from '../errors/user-error';

export { describeIssues } from './describe-issues';

/**
 * Raised when user-facing options fail their zod schema. The message lists every bad option with the
 * value given and what is allowed, so a user can fix all of them in one go.
 */
export class OptionsError extends UserError {
  constructor(
    readonly subject: string,
    readonly problems: string[],
  ) {
    super(`${subject}: invalid options\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'OptionsError';
  }
}

/** Parses raw options once, up front; everything downstream works on the typed, defaulted result. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new OptionsError(subject, describeIssues(result.error, raw));
  return result.data;
}
