import type { BaselineCheck } from '../check';

const ERROR_IN_LOG = /Traceback|\bERROR\b|\bFATAL\b|panic:/;
const LIMIT_S = 10;

/** SIGTERM, as an orchestrator sends it: the server must exit within 10 s, cleanly and without errors. */
export const shutdown: BaselineCheck = {
  id: 'shutdown',
  title: 'SIGTERM → clean exit',
  kind: 'baseline',
  needs: ['readiness'],
  async run(t) {
    const t0 = Date.now();
    await t.container.kill('SIGTERM');
    const exited = await t.container.waitForExit(LIMIT_S * 1000);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (exited === null) return { ok: false, figure: `> ${LIMIT_S} s`, detail: `still running ${LIMIT_S} s after SIGTERM` };
    const logs = await t.container.logs(200);
    const problems = [];
    if (exited !== 0 && exited !== 143) problems.push(`exit code ${exited}`);
    const errorLine = logs.split('\n').find((l) => ERROR_IN_LOG.test(l));
    if (errorLine) problems.push(`error in the log: ${errorLine.trim()}`);
    return problems.length
      ? { ok: false, figure: `${seconds} s, exit ${exited}`, detail: problems.join('\n') }
      : { ok: true, figure: `${seconds} s, exit ${exited}` };
  },
};
