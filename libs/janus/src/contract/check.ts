import { RequestTimeoutError } from './request-timeout';
import type { BaselineTarget } from './checks/target';
import type { RuntimeTarget } from './checks/runtime/runtime-target';

/** What one check found: the verdict, the measured figure behind it, and why it failed. */
export interface CheckOutcome {
  ok: boolean;
  /** The measured figure behind the verdict, e.g. "412 ms" or "4/4 overlapped". */
  figure: string;
  /** Why it failed (or notable context), shown under the table and in the reports. */
  detail?: string;
}

export interface CheckResult extends CheckOutcome {
  id: string;
  title: string;
  durationMs: number;
}

interface CheckBase {
  /** Stable id: the report's key and what `skip` takes. */
  id: string;
  title: string;
  /** Ids of checks that must have passed (or been skipped) first; otherwise this one is reported as not run. */
  needs: string[];
  /** It sends requests to the server's API: not run once an earlier request got no answer at all within the request timeout. */
  asksApi?: boolean;
}

export interface BaselineCheck extends CheckBase {
  kind: 'baseline';
  run(target: BaselineTarget): Promise<CheckOutcome>;
}

export interface RuntimeCheck extends CheckBase {
  kind: 'runtime';
  run(target: RuntimeTarget): Promise<CheckOutcome>;
}

export type ContractCheck = BaselineCheck | RuntimeCheck;
export type ContractKind = ContractCheck['kind'];

export const NOT_RUN = 'not run';

/**
 * Runs one check body, timing it and turning a thrown error into a failed result with its message. A
 * deadline backs up each check's own timeouts: whatever a broken image does, the suite moves on.
 */
export async function runCheck(id: string, title: string, body: () => Promise<CheckOutcome>, deadlineMs = 120_000): Promise<CheckResult> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the check did not finish within ${deadlineMs / 1000} s`)), deadlineMs);
  });
  try {
    const r = await Promise.race([body(), deadline]);
    return { id, title, ...r, durationMs: Date.now() - t0 };
  } catch (e) {
    return { id, title, ok: false, figure: '-', detail: (e as Error).message, durationMs: Date.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs checks in order against one target. A check whose `needs` did not pass is reported as not run
 * rather than run against a server that is known to be down; skipped checks count as met.
 */
export async function runChecks<C extends { id: string; title: string; needs: string[]; asksApi?: boolean }>(
  checks: readonly C[],
  run: (check: C) => Promise<CheckOutcome>,
  options: { skip: string[]; deadlineMs: number },
): Promise<CheckResult[]> {
  const met = new Set(options.skip);
  const results: CheckResult[] = [];
  // Set by the first request the server left unanswered: later API checks would each wait out the same limit.
  let hung: string | undefined;
  for (const check of checks) {
    if (options.skip.includes(check.id)) continue;
    const unmet = check.needs.filter((n) => !met.has(n));
    if (unmet.length) {
      results.push({ id: check.id, title: check.title, ok: false, figure: NOT_RUN, detail: `needs ${unmet.join(', ')}, which did not pass`, durationMs: 0 });
      continue;
    }
    if (hung && check.asksApi) {
      results.push({ id: check.id, title: check.title, ok: false, figure: NOT_RUN, detail: `not asked: ${hung}`, durationMs: 0 });
      continue;
    }
    const result = await runCheck(
      check.id,
      check.title,
      () =>
        run(check).catch((e: unknown) => {
          if (e instanceof RequestTimeoutError && e.unanswered) hung ??= `in ${check.id}, ${e.message}`;
          throw e;
        }),
      options.deadlineMs,
    );
    results.push(result);
    if (result.ok) met.add(check.id);
  }
  return results;
}
