import { dockerClient } from '../../engine/docker-client';
import type { BaselineTarget } from './target';

const ERROR_IN_LOG = /Traceback|\bERROR\b|\bFATAL\b|panic:/;

/** SIGTERM, as an orchestrator sends it: the server must exit within 10 s, cleanly and without errors. */
export async function checkShutdown(t: BaselineTarget, limitS = 10) {
  const container = dockerClient().getContainer(t.container.id);
  const t0 = Date.now();
  await container.kill({ signal: 'SIGTERM' });
  const exited = await Promise.race([
    container.wait().then((r: { StatusCode: number }) => r.StatusCode),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), limitS * 1000)),
  ]);
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (exited === null) return { ok: false, figure: `> ${limitS} s`, detail: `still running ${limitS} s after SIGTERM` };
  const logs = await t.container.logs(200);
  const problems = [];
  if (exited !== 0 && exited !== 143) problems.push(`exit code ${exited}`);
  const errorLine = logs.split('\n').find((l) => ERROR_IN_LOG.test(l));
  if (errorLine) problems.push(`error in the log: ${errorLine.trim()}`);
  return problems.length
    ? { ok: false, figure: `${seconds} s, exit ${exited}`, detail: problems.join('\n') }
    : { ok: true, figure: `${seconds} s, exit ${exited}` };
}
