import { APT_INSTALL } from '../apt-commands';
import { reporter, type Rule } from '../rule';

export const aptNoRecommends: Rule = {
  id: 'JD008',
  name: 'apt-no-recommends',
  hadolint: ['DL3015'],
  reason: 'recommended packages roughly double what apt installs, for nothing the image asked for',
  check({ model }) {
    const report = reporter(this);
    return model
      .find('RUN')
      .filter(({ instruction }) =>
        (instruction.getRawArgumentsContent() ?? '').split(/&&|;|\|\|/).some((cmd) => APT_INSTALL.test(cmd) && !/--no-install-recommends/.test(cmd)),
      )
      .map(({ instruction }) => report(instruction, 'apt-get install without --no-install-recommends'));
  },
};
