import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { templatesDir } from './templates-dir';

export interface RenderedFile {
  /** Path relative to the generated project's root, with '/' separators. */
  path: string;
  content: string;
}

const TEMPLATE_SUFFIX = '.hbs';
// Dotfiles are stored as `dot-<name>.hbs` so they stay visible in the templates folder and in packages
// (npm drops some dotfiles such as .gitignore when publishing).
const DOT_PREFIX = 'dot-';
const OVERLAYS_DIR = 'flavors';

function listTemplates(dir: string, skipTopLevel?: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        if (d === dir && entry.name === skipTopLevel) continue;
        walk(full);
      } else if (entry.name.endsWith(TEMPLATE_SUFFIX)) {
        out.push(full);
      }
    }
  };
  walk(dir);
  return out.sort();
}

function outputPath(templateRoot: string, file: string): string {
  const parts = relative(templateRoot, file).split(sep);
  const base = parts.pop()!.slice(0, -TEMPLATE_SUFFIX.length);
  parts.push(base.startsWith(DOT_PREFIX) ? `.${base.slice(DOT_PREFIX.length)}` : base);
  return parts.join('/');
}

/** A Handlebars environment with every shared partial registered under its path (`partials/healthcheck.hbs` → `healthcheck`). */
export function createTemplateEnvironment(root = templatesDir()): typeof Handlebars {
  const hb = Handlebars.create();
  const partialsRoot = join(root, 'partials');
  for (const file of listTemplates(partialsRoot)) {
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
    for (const file of listTemplates(templateRoot, skip)) {
      const template = hb.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: true });
      try {
        files.set(outputPath(templateRoot, file), template(context));
      } catch (e) {
        throw new Error(`janus: rendering ${relative(root, file)} failed: ${(e as Error).message}`);
      }
    }
  };
  renderFrom(setRoot, OVERLAYS_DIR);
  if (overlay) renderFrom(join(setRoot, OVERLAYS_DIR, overlay));
  return [...files.entries()].map(([path, content]) => ({ path, content })).sort((a, b) => a.path.localeCompare(b.path));
}
