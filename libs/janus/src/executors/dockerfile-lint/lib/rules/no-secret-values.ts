import { SECRET_KEY_PATTERN } from '../../../../schema/common-fields';
import { assignments } from '../../../../dockerfile/dockerfile-model';
import { reporter, type Rule } from '../rule';

export const noSecretValues: Rule = {
  id: 'JD009',
  name: 'no-secret-values',
  hadolint: null,
  reason: 'ENV, ARG and LABEL values are stored in the image config and history, readable by anyone who can pull it',
  check({ model }) {
    const report = reporter(this);
    const instructions = [...model.ast.getInstructions()].filter((i) => ['ENV', 'ARG', 'LABEL'].includes(i.getKeyword()));
    return instructions.flatMap((i) =>
      Object.entries(assignments(i))
        .filter(([key, value]) => SECRET_KEY_PATTERN.test(key) && value !== '')
        .map(([key]) => report(i, `${i.getKeyword()} ${key} has a value baked into the image; pass it at run time or as a build secret`)),
    );
  },
};
