import { runCommands } from '../../../../dockerfile/dockerfile-model';
import { aptCommands, NO_RECOMMENDS_FLAG } from '../apt-commands';
import { reporter, type Rule } from '../rule';

export const aptNoRecommends: Rule = {
  id: 'JD008',
  name: 'apt-no-recommends',
  hadolint: ['DL3015'],
  reason: 'recommended packages roughly double what apt installs, for nothing the image asked for',
  check({ model }) {
    const report = reporter(this);
    return model.find('RUN').flatMap(({ instruction }) => {
      const offender = aptCommands(runCommands(instruction)).find((c) => c.subcommand === 'install' && !c.noRecommends);
      return offender ? [report(instruction, `${offender.tool} install without ${NO_RECOMMENDS_FLAG[offender.tool]}`)] : [];
    });
  },
};
