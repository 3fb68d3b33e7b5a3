import { reporter, type Rule } from '../rule';

export const exposePort: Rule = {
  id: 'JD003',
  name: 'expose-port',
  hadolint: null,
  reason: 'EXPOSE documents the port the server listens on; tooling and readers trust it',
  check({ model, port }) {
    if (port === undefined) return [];
    const report = reporter(this);
    const stage = model.finalStage;
    if (!stage) return [];
    // Exposed ports add up over the stages the final one is built FROM, each resolved where it was written.
    const exposes = model.findInAncestry(stage, 'EXPOSE');
    if (exposes.length === 0) return [report(stage.from, `the final stage does not EXPOSE the configured port ${port}`)];
    const ports = exposes.flatMap(({ stage: at, instruction: e }) =>
      model
        .resolve(e.getArgumentsContent() ?? '', at, e)
        .split(/\s+/)
        .filter(Boolean)
        .map((p) => Number(p.split('/')[0])),
    );
    const last = exposes.filter((e) => e.stage === exposes[0].stage).at(-1)!;
    return ports.includes(port) ? [] : [report(last.instruction, `EXPOSE ${ports.join(' ')} does not include the configured port ${port}`)];
  },
};
