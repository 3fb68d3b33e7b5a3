import { reporter, type Rule } from '../rule';

export const onbuildNotChecked: Rule = {
  id: 'JD011',
  name: 'onbuild-not-checked',
  hadolint: null,
  level: 'note',
  reason: 'ONBUILD triggers run in the images built FROM this one, which this lint does not see; check them there',
  check({ model }) {
    const report = reporter(this);
    return model.find('ONBUILD').map(({ instruction }) => {
      const trigger = (instruction.getArgumentsContent() ?? '').trim().split(/\s+/)[0]?.toUpperCase() || 'trigger';
      return report(instruction, `ONBUILD ${trigger} is not checked by any rule`);
    });
  },
};
