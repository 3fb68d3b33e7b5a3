import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const PARTIAL_CALL = /\{\{#?>\s*([\w./-]+)/g;

function filesUnder(dir: string, skip?: (rel: string) => boolean, root = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    const rel = relative(root, full).split(sep).join('/');
    if (skip?.(rel) || e.name === '__pycache__') return [];
    return e.isDirectory() ? filesUnder(full, skip, root) : [rel];
  });
}

/**
 * The template files a project was rendered from, relative to the templates root: the set's own files, its
 * chosen flavor's overlay, and every partial they call (transitively). A change to any other file cannot
 * change that project, so it must not make the project affected.
 */
export function templateSources(templatesRoot: string, set: string, flavor?: string): string[] {
  const otherFlavor = (rel: string) => rel.startsWith('flavors/') && rel !== `flavors/${flavor}` && !rel.startsWith(`flavors/${flavor}/`);
  const own = filesUnder(join(templatesRoot, set), otherFlavor).map((rel) => `${set}/${rel}`);
  const partials = new Set<string>();
  const pending = [...own];
  while (pending.length) {
    const text = readFileSync(join(templatesRoot, pending.pop()!), 'utf8');
    for (const [, name] of text.matchAll(PARTIAL_CALL)) {
      const file = `partials/${name}.hbs`;
      if (!partials.has(file) && existsSync(join(templatesRoot, file))) {
        partials.add(file);
        pending.push(file);
      }
    }
  }
  return [...own, ...partials].sort();
}
