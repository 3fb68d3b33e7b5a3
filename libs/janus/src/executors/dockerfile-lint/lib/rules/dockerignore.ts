import createIgnore from '@balena/dockerignore';
import { reporter, type Rule } from '../rule';

const REQUIRED = ['.git', '.env'];

/**
 * Whether Docker would leave `name` (at the context root) out, by its own matcher: `*` with exceptions, `**` and
 * `!` re-includes all count, not only a line that spells the name.
 */
function excludes(lines: string[], name: string): boolean {
  return createIgnore({}).add(lines).ignores(name);
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
