import type { RuntimeCheck } from '../../check';

export const cliVersion: RuntimeCheck = {
  id: 'cli-version',
  title: 'CLI --version runs and is the pinned version',
  kind: 'runtime',
  needs: [],
  async run(t) {
    const r = await t.warm.exec(t.versionCommand);
    const first = r.output.trim().split('\n')[0] ?? '';
    if (r.exitCode !== 0 || !first)
      return { ok: false, figure: `exit ${r.exitCode}`, detail: `${t.versionCommand.join(' ')}: ${r.output.trim().slice(0, 300)}` };
    // A CLI that updated itself, or a build that resolved another version, is not the runtime that was pinned.
    if (t.expectedVersion && !first.includes(t.expectedVersion)) {
      return { ok: false, figure: first.slice(0, 60), detail: `${t.versionCommand.join(' ')} printed "${first}", not the pinned ${t.expectedVersion}` };
    }
    return { ok: true, figure: first.slice(0, 60) };
  },
};
