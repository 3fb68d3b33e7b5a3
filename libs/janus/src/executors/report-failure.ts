import { describeFailure } from '../engine/docker-client';
import { isUserError } from '../errors/user-error';
import { logger } from '../workspace/nx-logger';

type ErrorLog = { error(message: string): void };

const verbose = () => process.env.NX_VERBOSE_LOGGING === 'true';

/** The stack of an error and of each cause under it, as Node prints them, for a bug report. */
function stackOf(e: unknown): string {
  const lines: string[] = [];
  for (let at: unknown = e, depth = 0; at !== undefined && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    const text = at instanceof Error ? (at.stack ?? `${at.name}: ${at.message}`) : String(at);
    lines.push(depth === 0 ? text : `Caused by: ${text}`);
  }
  return lines.join('\n');
}

/**
 * How every executor ends on a failure, as Nx itself reports errors: a known one ({@link UserError}, or the engine
 * gone mid-run, which describeFailure names) is one line; any other also gets its stack, which is what a
 * maintainer needs from a bug report; under NX_VERBOSE_LOGGING=true every failure gets its stack.
 */
export function reportFailure(e: unknown, log: ErrorLog = logger): void {
  const line = describeFailure(e);
  const known = isUserError(e) || line !== (e as Error)?.message;
  log.error(line);
  if (!known || verbose()) log.error(stackOf(e));
}
