import { stageLabel } from '../../../../dockerfile/dockerfile-model';
import { reporter, type Rule } from '../rule';

// The group does not matter: `root:staff` still runs as uid 0; nor do leading zeros, the engine reads `00` as 0.
const ROOT = /^(root|0+)(:.*)?$/;

export const nonRootUser: Rule = {
  id: 'JD001',
  name: 'non-root-user',
  hadolint: ['DL3002'],
  reason: 'a container that runs as root turns any escape or mount mistake into root on the host',
  check({ model }) {
    const report = reporter(this);
    const stage = model.finalStage;
    if (!stage) return [];
    // A stage built FROM an earlier one starts with that stage's USER.
    const user = model.effective(stage, 'USER');
    if (!user) {
      const who = stage.parent ? 'neither the final stage nor any stage it is built FROM sets USER' : 'the final stage never sets USER';
      return [report(stage.from, `${who}, so it runs as root`)];
    }
    const raw = (user.instruction.getArgumentsContent() ?? '').trim();
    const resolved = model.resolve(raw, user.stage, user.instruction).trim();
    const inherited = user.stage === stage ? '' : `, inherited from stage ${stageLabel(user.stage)}`;
    if (!resolved) return [report(user.instruction, `USER is empty${inherited}`)];
    // A value that still holds a variable (e.g. set only by --build-arg) cannot be judged here.
    if (resolved.includes('$')) return [];
    return ROOT.test(resolved) ? [report(user.instruction, `the final stage runs as ${JSON.stringify(resolved)}${inherited}`)] : [];
  },
};
