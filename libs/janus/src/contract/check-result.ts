export interface CheckResult {
  id: string;
  title: string;
  ok: boolean;
  /** The measured figure behind the verdict, e.g. "412 ms" or "4/4 overlapped". */
  figure: string;
  /** Why it failed (or notable context), shown under the table and in the reports. */
  detail?: string;
  durationMs: number;
}

export const SKIPPED = 'skipped';

/**
 * Runs one check body, timing it and turning a thrown error into a failed result with its message. A
 * deadline backs up each check's own timeouts: whatever a broken image does, the suite moves on.
 */
export async function runCheck(
  id: string,
  title: string,
  body: () => Promise<{ ok: boolean; figure: string; detail?: string }>,
  deadlineMs = 120_000,
): Promise<CheckResult> {
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
