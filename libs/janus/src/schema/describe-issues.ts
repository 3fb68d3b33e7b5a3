// What a zod refusal says to a user: each bad field with the value given (secrets elided) and what is allowed.
// Free of side effects, so graph inference can describe a bad janus.json without what option parsing loads.
import type { z } from 'zod';
import { SECRET_KEY_PATTERN } from './common-fields';

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Stands in a refusal for a value whose name looks secret: the key is named and the reason given, never the value. */
export const HIDDEN_VALUE = '(value not shown: its name looks secret)';
const ELIDED = '…';

/**
 * The value with every part a secret-looking name holds elided: object properties (`API_TOKEN: …`), `NAME=value`
 * strings and `{ key, value }` pairs. Refusals are logged, and CI keeps its logs.
 */
function withoutSecrets(v: unknown): unknown {
  if (typeof v === 'string') {
    const assignment = /^([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(v);
    return assignment && SECRET_KEY_PATTERN.test(assignment[1]) ? `${assignment[1]}=${ELIDED}` : v;
  }
  if (Array.isArray(v)) return v.map(withoutSecrets);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const named = [o.key, o.name].some((n) => typeof n === 'string' && SECRET_KEY_PATTERN.test(n));
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, SECRET_KEY_PATTERN.test(k) || (named && k === 'value') ? ELIDED : withoutSecrets(x)]));
}

function describeValue(v: unknown, path: PropertyKey[] = []): string {
  if (v === undefined) return '(missing)';
  if (path.some((key) => typeof key === 'string' && SECRET_KEY_PATTERN.test(key))) return HIDDEN_VALUE;
  const shown = withoutSecrets(v);
  if (typeof shown === 'string') return JSON.stringify(shown);
  try {
    return JSON.stringify(shown) ?? String(shown);
  } catch {
    return String(shown);
  }
}

export function describeIssues(error: z.ZodError, raw: unknown): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(options)';
    // The parsed input where zod reports it: after a transform (e.g. a comma list split) the raw path misses.
    const value = describeValue('input' in issue && issue.input !== undefined ? issue.input : valueAt(raw, issue.path), issue.path);
    let message = issue.message;
    if (issue.code === 'invalid_value') message = `must be one of ${issue.values.map((x) => JSON.stringify(x)).join(', ')}`;
    // A record key that fails its schema: zod nests the key's own issue, whose message says what is allowed.
    if (issue.code === 'invalid_key') message = issue.issues.map((i) => i.message).join('; ');
    if (issue.code === 'unrecognized_keys') return `unknown option(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    return `'${field}' = ${value}: ${message}`;
  });
}
