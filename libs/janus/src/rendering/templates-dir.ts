import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the shared templates live. The published package carries a copy at its root; in this repository the
 * plugin runs from source and reads the workspace's own `templates/`, so edits show up without a build.
 */
export function templatesDir(): string {
  const override = process.env.JANUS_TEMPLATES_DIR;
  if (override) return resolve(override);
  const candidates = [join(__dirname, '../../templates'), join(__dirname, '../../../../templates')];
  const found = candidates.find((dir) => existsSync(join(dir, 'partials')));
  if (!found) throw new Error(`janus: templates not found (looked in ${candidates.join(', ')}); set JANUS_TEMPLATES_DIR`);
  return found;
}
