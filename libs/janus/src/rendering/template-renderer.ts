import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { templatesDir } from './templates-dir';

export interface RenderedFile {
  /** Path relative to the generated project's root, with '/' separators. */
  path: string;
  content: string;
}

// Only files with substitutions are Handlebars templates; every other file in a template set is copied as it
// is, so verbatim sources (the Python server) stay plain files that editors and linters understand.
export const TEMPLATE_SUFFIX = '.hbs';
// Dotfiles are stored as `dot-<name>[.hbs]` so they stay visible in the templates folder and in packages
// (npm drops some dotfiles such as .gitignore when publishing).
const DOT_PREFIX = 'dot-';
const OVERLAYS_DIR = 'flavors';
// Left behind by running or linting the Python sources in place; never part of a generated project.
const IGNORED_DIRS = new Set(['__pycache__']);
const IGNORED_FILE = /\.py[co]$/;

/** Every file of a template folder, sorted, without byte-code caches (and without `skipTopLevel`). */
export function listTemplateFiles(dir: string, skipTopLevel?: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        if ((d === dir && entry.name === skipTopLevel) || IGNORED_DIRS.has(entry.name)) continue;
        walk(full);
      } else if (!IGNORED_FILE.test(entry.name)) {
        out.push(full);
      }
    }
  };
  walk(dir);
  return out.sort();
}

function outputPath(templateRoot: string, file: string): string {
  const parts = relative(templateRoot, file).split(sep);
  const name = parts.pop()!;
  const base = name.endsWith(TEMPLATE_SUFFIX) ? name.slice(0, -TEMPLATE_SUFFIX.length) : name;
  parts.push(base.startsWith(DOT_PREFIX) ? `.${base.slice(DOT_PREFIX.length)}` : base);
  return parts.join('/');
}

/** A Handlebars environment with every shared partial registered under its path (`partials/healthcheck.hbs` → `healthcheck`). */
export function createTemplateEnvironment(root = templatesDir()): typeof Handlebars {
  const hb = Handlebars.create();
  const partialsRoot = join(root, 'partials');
  for (const file of listTemplateFiles(partialsRoot).filter((f) => f.endsWith(TEMPLATE_SUFFIX))) {
    const name = relative(partialsRoot, file).split(sep).join('/').slice(0, -TEMPLATE_SUFFIX.length);
    hb.registerPartial(name, readFileSync(file, 'utf8'));
  }
  hb.registerHelper('json', (value: unknown) => JSON.stringify(value));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hb;
}

/**
 * Renders one template set (e.g. `baseline`) for a validated context, then the files of the chosen overlay
 * (`flavors/<overlay>/`) on top, so flavors replace whole files instead of sprinkling conditionals.
 */
export function renderTemplateSet(set: string, context: object, overlay?: string, root = templatesDir()): RenderedFile[] {
  const hb = createTemplateEnvironment(root);
  const setRoot = join(root, set);
  const files = new Map<string, string>();
  const renderFrom = (templateRoot: string, skip?: string) => {
    const seen = new Map<string, string>();
    for (const file of listTemplateFiles(templateRoot, skip)) {
      const path = outputPath(templateRoot, file);
      // `x.py` beside `x.py.hbs` would make which one wins depend on sort order.
      if (seen.has(path)) throw new Error(`janus: ${relative(root, seen.get(path)!)} and ${relative(root, file)} both render ${path}`);
      seen.set(path, file);
      const source = readFileSync(file, 'utf8');
      if (!file.endsWith(TEMPLATE_SUFFIX)) {
        files.set(path, source);
        continue;
      }
      const template = hb.compile(source, { strict: true, noEscape: true });
      try {
        files.set(path, template(context));
      } catch (e) {
        throw new Error(`janus: rendering ${relative(root, file)} failed: ${(e as Error).message}`);
      }
    }
  };
  renderFrom(setRoot, OVERLAYS_DIR);
  if (overlay) renderFrom(join(setRoot, OVERLAYS_DIR, overlay));
  return [...files.entries()].map(([path, content]) => ({ path, content })).sort((a, b) => a.path.localeCompare(b.path));
}
