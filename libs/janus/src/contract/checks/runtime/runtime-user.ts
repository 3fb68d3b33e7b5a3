import type { RuntimeCheck } from '../../check';

/** Runtime containers run as the user `runtime` with uid 1000, so mounted workspaces have predictable ownership. */
export const runtimeUser: RuntimeCheck = {
  id: 'runtime-user',
  title: 'runs as runtime (uid 1000)',
  kind: 'runtime',
  needs: [],
  async run(t) {
    const name = (await t.warm.exec(['id', '-un'])).output.trim();
    const uid = (await t.warm.exec(['id', '-u'])).output.trim();
    const figure = `${name} (${uid})`;
    return name === 'runtime' && uid === '1000' ? { ok: true, figure } : { ok: false, figure, detail: `expected runtime (1000), got ${figure}` };
  },
};
