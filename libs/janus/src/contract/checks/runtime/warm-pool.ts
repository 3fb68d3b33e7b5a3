import type { RuntimeTarget } from './runtime-target';

/** WARM_POOL=true keeps the container idle (not working, not exiting) and reachable with `docker exec`. */
export async function checkWarmPool(t: RuntimeTarget, idleS = 3) {
  await new Promise((r) => setTimeout(r, idleS * 1000));
  const state = (await t.warm.inspect()).State;
  if (!state.Running)
    return { ok: false, figure: `exited ${state.ExitCode}`, detail: `with WARM_POOL=true it exited within ${idleS} s\n${await t.warm.logs(20)}` };
  const r = await t.warm.exec(['true']);
  return r.exitCode === 0 ? { ok: true, figure: `idle ${idleS} s, exec ok` } : { ok: false, figure: `exec exit ${r.exitCode}`, detail: r.output };
}
