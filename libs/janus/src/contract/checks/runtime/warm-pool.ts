import type { RuntimeCheck } from '../../check';

const IDLE_S = 3;
// A warm pool is many containers doing nothing: each may use at most this share of one CPU while idle.
export const IDLE_CPU_PERCENT = 1;
// Nomad's kill timeout is 30 s, but a pool shrinks by stopping many at once: a stop must not wait on a timeout.
export const STOP_WITHIN_S = 2;

/** WARM_POOL=true keeps the container idle (not working, not exiting, not spinning), reachable with exec, and quick to stop. */
export const warmPool: RuntimeCheck = {
  id: 'warm-pool',
  title: `WARM_POOL=true idles (< ${IDLE_CPU_PERCENT}% CPU), exec works, SIGTERM stops it within ${STOP_WITHIN_S} s`,
  kind: 'runtime',
  needs: [],
  async run(t) {
    const before = await t.warm.cpuNanos();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const state = (await t.warm.inspect()).State;
    if (!state.Running)
      return { ok: false, figure: `exited ${state.ExitCode}`, detail: `with WARM_POOL=true it exited within ${IDLE_S} s\n${await t.warm.logs(20)}` };
    const cpu = (((await t.warm.cpuNanos()) - before) / (IDLE_S * 1e9)) * 100;
    if (cpu >= IDLE_CPU_PERCENT)
      return { ok: false, figure: `${cpu.toFixed(1)}% CPU`, detail: `idle, it used ${cpu.toFixed(1)}% of a CPU over ${IDLE_S} s (busy waiting?)` };
    const r = await t.warm.exec(['true']);
    if (r.exitCode !== 0) return { ok: false, figure: `exec exit ${r.exitCode}`, detail: r.output };
    // Its own container: the shared warm one still serves the other checks.
    const stopping = await t.scope.start(t.image, { env: { ...t.env, WARM_POOL: 'true' }, labels: { 'org.janus.check': 'warm-pool-stop' } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await stopping.kill('SIGTERM');
      const code = await stopping.waitForExit(STOP_WITHIN_S * 1000);
      if (code === null) return { ok: false, figure: 'ignored SIGTERM', detail: `still running ${STOP_WITHIN_S} s after SIGTERM (PID 1 needs a TERM handler)` };
      return { ok: true, figure: `${cpu.toFixed(2)}% CPU idle, exec ok, SIGTERM → exit ${code}` };
    } finally {
      await stopping.remove();
    }
  },
};
