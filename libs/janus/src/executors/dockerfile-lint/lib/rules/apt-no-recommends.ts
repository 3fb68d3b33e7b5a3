import { reporter, Rule } from '../rule';

export const aptNoRecommends: Rule = {
  id: 'JD008',
  name: 'apt-no-recommends',
  reason: 'recommended packages roughly double what apt installs, for nothing the image asked for',
  check({ model }) {
    const report = reporter(this);
    return model.stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.getKeyword() === 'RUN')
        .flatMap((i) =>
          (i.getRawArgumentsContent() ?? '')
            .split(/&&|;|\|\|/)
            .filter((cmd) => /\bapt(-get)?\s+(-\S+\s+)*install\b/.test(cmd) && !/--no-install-recommends/.test(cmd))
            .slice(0, 1)
            .map(() => report(i, 'apt-get install without --no-install-recommends')),
        ),
    );
  },
};
