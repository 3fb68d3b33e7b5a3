import type { JSONInstruction } from 'dockerfile-ast';
import { reporter, type Rule } from '../rule';

export const execForm: Rule = {
  id: 'JD004',
  name: 'exec-form',
  hadolint: ['DL3025'],
  reason: 'shell form runs the server under /bin/sh, which does not forward SIGTERM, so shutdown is a kill after the timeout',
  check({ model }) {
    const report = reporter(this);
    return model
      .find('CMD', 'ENTRYPOINT')
      .filter(({ instruction }) => (instruction as JSONInstruction).getOpeningBracket?.() == null)
      .map(({ instruction: i }) => report(i, `${i.getKeyword()} uses shell form; write it as a JSON array`));
  },
};
