import { instructionText } from '../dockerfile-model';
import { reporter, Rule } from '../rule';

export const aptListsCleaned: Rule = {
  id: 'JD007',
  name: 'apt-lists-cleaned',
  reason: 'apt lists left in a layer add tens of MB that a later RUN cannot take back',
  check({ model }) {
    const report = reporter(this);
    return model.stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.getKeyword() === 'RUN' && /\bapt(-get)?\s+(-\S+\s+)*install\b/.test(i.getRawArgumentsContent() ?? ''))
        .filter((i) => {
          const text = instructionText(model, i);
          const cleaned = /rm\s+-(rf|fr|r)\s+[^;&|]*\/var\/lib\/apt\/lists/.test(text);
          const cached = /--mount=type=cache[^\s]*target=\/var\/lib\/apt/.test(text);
          return !cleaned && !cached;
        })
        .map((i) => report(i, 'apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN')),
    );
  },
};
