import type { BaselineCheck } from '../check';
import { postAndReadSse, type SseResult } from '../sse-reader';
import { chatBody } from './target';

/** Whether every request started before every other one ended: no two were served one after the other. */
export function allOverlap(spans: Array<{ startedAt: number; endedAt: number }>): boolean {
  return Math.max(...spans.map((s) => s.startedAt)) < Math.min(...spans.map((s) => s.endedAt));
}

export const concurrency: BaselineCheck = {
  id: 'concurrency',
  title: 'concurrent streams overlap',
  kind: 'baseline',
  needs: ['readiness'],
  asksApi: true,
  async run(t) {
    const n = t.limits.concurrency;
    const model = await t.model();
    const results: SseResult[] = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        postAndReadSse(`${t.url}/v1/chat/completions`, chatBody(model, `concurrent request number ${i}`, true), t.limits.requestTimeoutMs),
      ),
    );
    const complete = results.filter((r) => r.status === 200 && r.sawDone).length;
    if (complete < n)
      return { ok: false, figure: `${complete}/${n} complete`, detail: `${n - complete} of ${n} concurrent streams did not finish with [DONE]` };
    if (!allOverlap(results)) return { ok: false, figure: `${n} serialised`, detail: 'the streams did not overlap in time: requests are served one at a time' };
    const wall = Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt));
    return { ok: true, figure: `${n}/${n} overlapped, ${wall} ms` };
  },
};
