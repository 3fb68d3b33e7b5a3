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

/** Runs one check body, timing it and turning a thrown error into a failed result with its message. */
export async function runCheck(id: string, title: string, body: () => Promise<{ ok: boolean; figure: string; detail?: string }>): Promise<CheckResult> {
  const t0 = Date.now();
  try {
    const r = await body();
    return { id, title, ...r, durationMs: Date.now() - t0 };
  } catch (e) {
    return { id, title, ok: false, figure: '-', detail: (e as Error).message, durationMs: Date.now() - t0 };
  }
}
