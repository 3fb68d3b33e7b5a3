import { type CheckOutcome, NOT_RUN, runChecks } from '../check';
import { schema } from '../../executors/contract-test/options-schema';
import { CHECKS, CHECK_IDS, checksOf } from '.';

describe('the contract check registry', () => {
  it('gives every check a unique id, a title, and needs that come earlier in the same kind', () => {
    expect(new Set(CHECK_IDS).size).toBe(CHECKS.length);
    for (const kind of ['baseline', 'runtime'] as const) {
      const ids = checksOf(kind).map((c) => c.id);
      checksOf(kind).forEach((c, i) => {
        expect(c.title.length).toBeGreaterThan(5);
        for (const need of c.needs) expect(ids.slice(0, i)).toContain(need);
      });
    }
    expect(checksOf('baseline')[0].id).toBe('readiness');
    expect(checksOf('baseline').at(-1)!.id).toBe('shutdown');
  });

  it('is what the skip option accepts, and nothing else', () => {
    expect(schema.safeParse({ skip: [...CHECK_IDS] }).success).toBe(true);
    expect(schema.safeParse({ skip: ['no-such-check'] }).success).toBe(false);
  });
});

describe('running checks in order', () => {
  const fake = (id: string, needs: string[] = []) => ({ id, title: id.toUpperCase(), needs });
  const outcomes: Record<string, CheckOutcome> = { a: { ok: false, figure: 'down' }, b: { ok: true, figure: '1' }, c: { ok: true, figure: '2' } };

  it('reports a check whose needs failed as not run, and runs the rest', async () => {
    const ran: string[] = [];
    const results = await runChecks(
      [fake('a'), fake('b', ['a']), fake('c')],
      async (c) => {
        ran.push(c.id);
        return outcomes[c.id];
      },
      { skip: [], deadlineMs: 1000 },
    );
    expect(ran).toEqual(['a', 'c']);
    expect(results.map((r) => [r.id, r.ok, r.figure])).toEqual([
      ['a', false, 'down'],
      ['b', false, NOT_RUN],
      ['c', true, '2'],
    ]);
    expect(results[1].detail).toBe('needs a, which did not pass');
  });

  it('treats a skipped need as met and leaves skipped checks out of the results', async () => {
    const results = await runChecks([fake('a'), fake('b', ['a'])], async (c) => outcomes[c.id], { skip: ['a'], deadlineMs: 1000 });
    expect(results.map((r) => [r.id, r.ok])).toEqual([['b', true]]);
  });
});
