import type { RuntimeCheck } from '../../check';

export const cliVersion: RuntimeCheck = {
  id: 'cli-version',
  title: 'CLI --version runs and is the pinned version',
  kind: 'runtime',
  needs: [],
  async run(t) {
    const r = await t.warm.exec(t.versionCommand);
    const lines = r.output.trim().split('\n');
    if (r.exitCode !== 0 || !lines[0])
      return { ok: false, figure: `exit ${r.exitCode}`, detail: `${t.versionCommand.join(' ')}: ${r.output.trim().slice(0, 300)}` };
    // A CLI that updated itself, or a build that resolved another version, is not the runtime that was pinned.
    // The version may follow a warning line: the figure shows the line that has it.
    const line = t.expectedVersion ? lines.find((l) => l.includes(t.expectedVersion!)) : lines[0];
    if (!line) {
      const printed = r.output.trim().slice(0, 300);
      return { ok: false, figure: lines[0].slice(0, 60), detail: `${t.versionCommand.join(' ')} printed "${printed}", not the pinned ${t.expectedVersion}` };
    }
    return { ok: true, figure: line.slice(0, 60) };
  },
};
