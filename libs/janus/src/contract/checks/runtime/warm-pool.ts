import type { RuntimeCheck } from '../../check';

const IDLE_S = 3;

/** WARM_POOL=true keeps the container idle (not working, not exiting) and reachable with `docker exec`. */
export const warmPool: RuntimeCheck = {
  id: 'warm-pool',
  title: 'WARM_POOL=true idles, exec works',
  kind: 'runtime',
  needs: [],
  async run(t) {
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const state = (await t.warm.inspect()).State;
    if (!state.Running)
      return { ok: false, figure: `exited ${state.ExitCode}`, detail: `with WARM_POOL=true it exited within ${IDLE_S} s\n${await t.warm.logs(20)}` };
    const r = await t.warm.exec(['true']);
    return r.exitCode === 0 ? { ok: true, figure: `idle ${IDLE_S} s, exec ok` } : { ok: false, figure: `exec exit ${r.exitCode}`, detail: r.output };
  },
};
