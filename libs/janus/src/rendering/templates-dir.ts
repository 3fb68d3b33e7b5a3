import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors/user-error';

/**
 * Where the shared templates live. The package (published, or built into dist/ here) carries a copy at its root;
 * run from its sources, as the specs do, the plugin reads the workspace's own `templates/`.
 */
export function templatesDir(): string {
  const override = process.env.JANUS_TEMPLATES_DIR;
  if (override) return resolve(override);
  const candidates = [join(__dirname, '../../templates'), join(__dirname, '../../../../templates')];
  const found = candidates.find((dir) => existsSync(join(dir, 'partials')));
  if (!found) throw new UserError(`janus: templates not found (looked in ${candidates.join(', ')}); set JANUS_TEMPLATES_DIR`);
  return found;
}
