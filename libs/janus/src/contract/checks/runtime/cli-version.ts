import type { RuntimeCheck } from '../../check';

export const cliVersion: RuntimeCheck = {
  id: 'cli-version',
  title: 'CLI --version runs',
  kind: 'runtime',
  needs: [],
  async run(t) {
    const r = await t.warm.exec(t.versionCommand);
    const first = r.output.trim().split('\n')[0] ?? '';
    return r.exitCode === 0 && first
      ? { ok: true, figure: first.slice(0, 60) }
      : { ok: false, figure: `exit ${r.exitCode}`, detail: `${t.versionCommand.join(' ')}: ${r.output.trim().slice(0, 300)}` };
  },
};
