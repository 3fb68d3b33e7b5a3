import { reporter, type Rule } from '../rule';

const REQUIRED = ['.git', '.env'];

/** Whether the patterns exclude `name` at the context root, honouring later `!` re-includes. */
function excludes(lines: string[], name: string): boolean {
  let excluded = false;
  for (const line of lines) {
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (pattern === name || pattern === `**/${name}`) excluded = !negated;
  }
  return excluded;
}

export const dockerignore: Rule = {
  id: 'JD010',
  name: 'dockerignore',
  hadolint: null,
  reason: 'without a .dockerignore, .git history and local .env secrets are sent to the builder and can land in a layer',
  check({ dockerignore: text }) {
    const report = reporter(this);
    if (text === null) return [report(0, 'no .dockerignore beside the Dockerfile')];
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    return REQUIRED.filter((name) => !excludes(lines, name)).map((name) => report(0, `.dockerignore does not exclude ${name}`));
  },
};
