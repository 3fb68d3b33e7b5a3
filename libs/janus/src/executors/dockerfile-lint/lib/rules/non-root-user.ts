import { reporter, type Rule } from '../rule';

const ROOT = /^(root|0)(:(root|0))?$/;

export const nonRootUser: Rule = {
  id: 'JD001',
  name: 'non-root-user',
  hadolint: ['DL3002'],
  reason: 'a container that runs as root turns any escape or mount mistake into root on the host',
  check({ model }) {
    const report = reporter(this);
    const stage = model.finalStage;
    if (!stage) return [];
    const last = stage.instructions.filter((i) => i.getKeyword() === 'USER').at(-1);
    if (!last) return [report(stage.from, 'the final stage never sets USER, so it runs as root')];
    const raw = (last.getArgumentsContent() ?? '').trim();
    const resolved = model.resolve(raw, stage, last).trim();
    if (!resolved) return [report(last, 'USER is empty')];
    // A value that still holds a variable (e.g. set only by --build-arg) cannot be judged here.
    if (resolved.includes('$')) return [];
    return ROOT.test(resolved) ? [report(last, `the final stage runs as ${JSON.stringify(resolved)}`)] : [];
  },
};
