// Every executor and generator loads this module to parse its options before it does anything, so this is
// where a workspace build of the plugin older than its sources is stopped, once for all of them.
import '../package/assert-current-build';
import type { z } from 'zod';

/**
 * Raised when user-facing options fail their zod schema. The message lists every bad option with the
 * value given and what is allowed, so a user can fix all of them in one go.
 */
export class OptionsError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: string[],
  ) {
    super(`${subject}: invalid options\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'OptionsError';
  }
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function describeIssues(error: z.ZodError, raw: unknown): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(options)';
    // The parsed input where zod reports it: after a transform (e.g. a comma list split) the raw path misses.
    const value = describeValue('input' in issue && issue.input !== undefined ? issue.input : valueAt(raw, issue.path));
    let message = issue.message;
    if (issue.code === 'invalid_value') message = `must be one of ${issue.values.map((x) => JSON.stringify(x)).join(', ')}`;
    // A record key that fails its schema: zod nests the key's own issue, whose message says what is allowed.
    if (issue.code === 'invalid_key') message = issue.issues.map((i) => i.message).join('; ');
    if (issue.code === 'unrecognized_keys') return `unknown option(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    return `'${field}' = ${value}: ${message}`;
  });
}

/** Parses raw options once, up front; everything downstream works on the typed, defaulted result. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new OptionsError(subject, describeIssues(result.error, raw));
  return result.data;
}
