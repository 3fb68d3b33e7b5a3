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
    const exposes = stage.instructions.filter((i) => i.getKeyword() === 'EXPOSE');
    if (exposes.length === 0) return [report(stage.from, `the final stage does not EXPOSE the configured port ${port}`)];
    const ports = exposes.flatMap((e) =>
      model
        .resolve(e.getArgumentsContent() ?? '', stage, e)
        .split(/\s+/)
        .filter(Boolean)
        .map((p) => Number(p.split('/')[0])),
    );
    return ports.includes(port) ? [] : [report(exposes.at(-1)!, `EXPOSE ${ports.join(' ')} does not include the configured port ${port}`)];
  },
};
