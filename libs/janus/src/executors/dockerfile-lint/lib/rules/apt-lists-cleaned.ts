import { APT_INSTALL } from '../apt-commands';
import { reporter, type Rule } from '../rule';

export const aptListsCleaned: Rule = {
  id: 'JD007',
  name: 'apt-lists-cleaned',
  hadolint: ['DL3009'],
  reason: 'apt lists left in a layer add tens of MB that a later RUN cannot take back',
  check({ model }) {
    const report = reporter(this);
    return model
      .find('RUN')
      .map(({ instruction }) => ({ instruction, text: model.textOf(instruction) }))
      .filter(({ text }) => APT_INSTALL.test(text))
      .filter(({ text }) => !/rm\s+-(rf|fr|r)\s+[^;&|]*\/var\/lib\/apt\/lists/.test(text) && !/--mount=type=cache[^\s]*target=\/var\/lib\/apt/.test(text))
      .map(({ instruction }) => report(instruction, 'apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN'));
  },
};
