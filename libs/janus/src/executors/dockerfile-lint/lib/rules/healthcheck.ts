import { reporter, type Rule } from '../rule';

export const healthcheck: Rule = {
  id: 'JD002',
  name: 'healthcheck',
  hadolint: null,
  reason: 'without a HEALTHCHECK the engine and orchestrators cannot tell a hung server from a healthy one',
  check({ model }) {
    const report = reporter(this);
    const stage = model.finalStage;
    if (!stage) return [];
    const last = stage.instructions.filter((i) => i.getKeyword() === 'HEALTHCHECK').at(-1);
    if (!last) return [report(stage.from, 'the final stage has no HEALTHCHECK')];
    if (/^NONE\b/i.test((last.getArgumentsContent() ?? '').trim())) return [report(last, 'HEALTHCHECK NONE turns health checking off')];
    return [];
  },
};
