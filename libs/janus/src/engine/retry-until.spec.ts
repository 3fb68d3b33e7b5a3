import { retryUntil } from './retry-until';

describe('retryUntil', () => {
  it('tries until an attempt says done, pausing between attempts, and answers what it saw', async () => {
    let n = 0;
    const r = await retryUntil(async () => ({ done: ++n === 3, value: n }), { timeoutMs: 5000, intervalMs: 10 });
    expect(r).toMatchObject({ done: true, value: 3, attempts: 3, aborted: false });
  });

  it('gives up at the deadline with the last value, never pausing past it', async () => {
    const t0 = Date.now();
    const r = await retryUntil(async () => ({ done: false, value: 'starting' }), { timeoutMs: 120, intervalMs: 1000 });
    expect(r).toMatchObject({ done: false, value: 'starting', aborted: false });
    expect(Date.now() - t0).toBeLessThan(900);
  });

  it('tries once even with no time, so a wait always reports a state', async () => {
    const r = await retryUntil(async () => ({ done: false, value: 'seen' }), { timeoutMs: 0, intervalMs: 10 });
    expect(r).toMatchObject({ done: false, value: 'seen', attempts: 1 });
  });

  it('stops during a pause when the signal aborts, without waiting out the interval', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const t0 = Date.now();
    const r = await retryUntil(async () => ({ done: false, value: 1 }), { timeoutMs: 60_000, intervalMs: 30_000, signal: abort.signal });
    expect(r).toMatchObject({ done: false, aborted: true });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('hands each attempt the time left, to bound its own request', async () => {
    const lefts: number[] = [];
    await retryUntil(async (left) => (lefts.push(left), { done: lefts.length === 2, value: 0 }), { timeoutMs: 1000, intervalMs: 20 });
    expect(lefts[0]).toBeLessThanOrEqual(1000);
    expect(lefts[1]).toBeLessThan(lefts[0]);
  });
});
