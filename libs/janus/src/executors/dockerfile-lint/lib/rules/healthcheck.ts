import { stageLabel } from '../../../../dockerfile/dockerfile-model';
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
    // A stage built FROM an earlier one starts with that stage's HEALTHCHECK.
    const check = model.effective(stage, 'HEALTHCHECK');
    if (!check)
      return [
        report(stage.from, stage.parent ? 'neither the final stage nor any stage it is built FROM has a HEALTHCHECK' : 'the final stage has no HEALTHCHECK'),
      ];
    const inherited = check.stage === stage ? '' : ` (inherited from stage ${stageLabel(check.stage)})`;
    if (/^NONE\b/i.test((check.instruction.getArgumentsContent() ?? '').trim()))
      return [report(check.instruction, `HEALTHCHECK NONE${inherited} turns health checking off`)];
    return [];
  },
};
