import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { beginMarker, commentSyntax, contentHash, endMarker, regionPlaceholder, wholeFileHash } from './managed-regions';
import { templatesDir } from './templates-dir';
import { UserError } from '../errors/user-error';

/** Where a region or managed file came from: `janus` (the plugin's templates) or a workspace override file. */
export const PLUGIN_SOURCE = 'janus';

export interface RenderedRegion {
  partial: string;
  hash: string;
  source: string;
}

export interface RenderedFile {
  /** Path relative to the generated project's root, with '/' separators. */
  path: string;
  content: string;
  /** The managed regions in it, one per shared partial it calls, in file order. */
  regions: RenderedRegion[];
  /** Set for a file managed as a whole (JSON, which cannot hold markers): its hash and source. */
  whole?: { hash: string; source: string };
}

/** A workspace's own templates folder (plugin option `templatesDir`): partials and set files there win over the plugin's. */
export interface TemplateOverrides {
  /** Absolute path of the folder. */
  dir: string;
  /** How sources in it are named in janus.json: the folder relative to the workspace root. */
  label: string;
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

// Each partial renders between two sentinel lines; after rendering they become the file type's markers, with
// the hash of what is between them. Control characters cannot come out of a template by accident.
const SENTINEL = '\u0001';
const sentinel = (kind: 'begin' | 'end', partial: string) => `${SENTINEL}janus-${kind} ${partial}${SENTINEL}`;
const SENTINEL_LINE = new RegExp(`^([ \\t]*)${SENTINEL}janus-(begin|end) ([^${SENTINEL}]+)${SENTINEL}\\n`);

/**
 * A Handlebars environment with every shared partial registered under its path (`partials/healthcheck.hbs` →
 * `healthcheck`), the workspace's overrides winning, and where each came from.
 */
export function createTemplateEnvironment(root = templatesDir(), overrides?: TemplateOverrides): { hb: typeof Handlebars; sources: Map<string, string> } {
  const hb = Handlebars.create();
  const sources = new Map<string, string>();
  const register = (partialsRoot: string, source: (name: string) => string) => {
    if (!existsSync(partialsRoot)) return;
    for (const file of listTemplateFiles(partialsRoot).filter((f) => f.endsWith(TEMPLATE_SUFFIX))) {
      const name = relative(partialsRoot, file).split(sep).join('/').slice(0, -TEMPLATE_SUFFIX.length);
      const text = readFileSync(file, 'utf8');
      hb.registerPartial(name, `${sentinel('begin', name)}\n${text}${text.endsWith('\n') ? '' : '\n'}${sentinel('end', name)}\n`);
      sources.set(name, source(name));
    }
  };
  register(join(root, 'partials'), () => PLUGIN_SOURCE);
  if (overrides) register(join(overrides.dir, 'partials'), (name) => `${overrides.label}/partials/${name}${TEMPLATE_SUFFIX}`);
  hb.registerHelper('json', (value: unknown) => JSON.stringify(value));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return { hb, sources };
}

/**
 * Turns the sentinels around each partial into the file type's markers. Partials nest (a stage calls the
 * healthcheck), and so do regions: each region's hash covers its own lines only, with a nested region standing
 * as one placeholder line, so a change to the healthcheck is a change to that region alone. A file type without
 * comments (JSON) loses the sentinels and is managed whole instead.
 */
function markRegions(path: string, rendered: string, template: string, sources: Map<string, string>, templateSource: string): RenderedFile {
  const syntax = commentSyntax(path);
  interface Frame {
    partial: string;
    indent: string;
    own: string[];
    full: string[];
  }
  const stack: Frame[] = [{ partial: '', indent: '', own: [], full: [] }];
  const regions: RenderedRegion[] = [];
  let rest = rendered;
  while (rest.length) {
    const top = stack[stack.length - 1];
    const m = SENTINEL_LINE.exec(rest);
    if (m) {
      const [line, indent, kind, partial] = m;
      rest = rest.slice(line.length);
      if (kind === 'begin') {
        if (regions.some((r) => r.partial === partial) || stack.some((f) => f.partial === partial)) {
          throw new UserError(`janus: ${template}: the partial ${partial} is called twice; a file holds one managed region per partial`);
        }
        stack.push({ partial, indent, own: [], full: [] });
        continue;
      }
      stack.pop();
      const parent = stack[stack.length - 1];
      const hash = contentHash(top.own.join(''));
      regions.push({ partial, hash, source: sources.get(partial) ?? PLUGIN_SOURCE });
      parent.own.push(regionPlaceholder(partial));
      if (syntax) parent.full.push(`${indent}${beginMarker(syntax, partial, hash)}\n`, ...top.full, `${indent}${endMarker(syntax, partial)}\n`);
      else parent.full.push(...top.full);
      continue;
    }
    const nl = rest.indexOf('\n');
    const line = nl < 0 ? rest : rest.slice(0, nl + 1);
    rest = rest.slice(line.length);
    if (line.includes(SENTINEL)) {
      const partial = line.split(SENTINEL)[1]?.replace(/^janus-(begin|end) /, '');
      throw new UserError(`janus: ${template}: the partial ${partial} must stand on a line of its own, so that it can be a managed region`);
    }
    top.own.push(line);
    top.full.push(line);
  }
  const content = stack[0].full.join('');
  // Regions in file order (they were collected innermost first).
  regions.sort((x, y) => content.indexOf(` janus:begin ${x.partial} `) - content.indexOf(` janus:begin ${y.partial} `));
  if (syntax && !path.endsWith('.json')) return { path, content, regions };
  // No comment syntax: the whole file is the managed unit when a partial or the format asks for it.
  const whole = regions.length || path.endsWith('.json') ? { hash: wholeFileHash(path, content), source: templateSource } : undefined;
  return { path, content, regions: [], ...(whole ? { whole } : {}) };
}

/**
 * Renders one template set (e.g. `baseline`) for a validated context, then the files of the chosen overlay
 * (`flavors/<overlay>/`) on top, so flavors replace whole files instead of sprinkling conditionals.
 */
export function renderTemplateSet(set: string, context: object, overlay?: string, root = templatesDir(), overrides?: TemplateOverrides): RenderedFile[] {
  return createTemplateRenderer(root, overrides)(set, context, overlay);
}

export type TemplateRenderer = (set: string, context: object, overlay?: string) => RenderedFile[];

/**
 * A renderer that reads and compiles each template once, for rendering many projects in one run (`nx sync`
 * over a whole workspace). It holds the files as they were when first read: make one per run.
 */
export function createTemplateRenderer(root = templatesDir(), overrides?: TemplateOverrides): TemplateRenderer {
  const { hb, sources } = createTemplateEnvironment(root, overrides);
  const listings = new Map<string, string[]>();
  const texts = new Map<string, string>();
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  const list = (dir: string, skip?: string) => {
    if (!listings.has(dir)) listings.set(dir, existsSync(dir) ? listTemplateFiles(dir, skip) : []);
    return listings.get(dir)!;
  };
  const read = (file: string) => {
    if (!texts.has(file)) texts.set(file, readFileSync(file, 'utf8'));
    return texts.get(file)!;
  };
  const compile = (file: string) => {
    if (!compiled.has(file)) compiled.set(file, hb.compile(read(file), { strict: true, noEscape: true }));
    return compiled.get(file)!;
  };
  return (set, context, overlay) => {
    const files = new Map<string, RenderedFile>();
    const renderFrom = (base: string, templateRoot: string, source: (file: string) => string, skip?: string) => {
      const seen = new Map<string, string>();
      for (const file of list(templateRoot, skip)) {
        const path = outputPath(templateRoot, file);
        const name = relative(base, file);
        // `x.py` beside `x.py.hbs` would make which one wins depend on sort order.
        if (seen.has(path)) throw new UserError(`janus: ${relative(base, seen.get(path)!)} and ${name} both render ${path}`);
        seen.set(path, file);
        if (!file.endsWith(TEMPLATE_SUFFIX)) {
          const text = read(file);
          files.set(path, {
            path,
            content: text,
            regions: [],
            ...(path.endsWith('.json') ? { whole: { hash: wholeFileHash(path, text), source: source(file) } } : {}),
          });
          continue;
        }
        let rendered: string;
        try {
          rendered = compile(file)(context);
        } catch (e) {
          const overridden = [...sources.values()].filter((s) => s !== PLUGIN_SOURCE);
          const hint = overridden.length ? ` (workspace overrides in use: ${overridden.join(', ')}; they may use a name the context no longer has)` : '';
          throw new UserError(`janus: rendering ${name} failed: ${(e as Error).message}${hint}`);
        }
        files.set(path, markRegions(path, rendered, name, sources, source(file)));
      }
    };
    const plugin = () => PLUGIN_SOURCE;
    const setRoot = join(root, set);
    renderFrom(root, setRoot, plugin, OVERLAYS_DIR);
    if (overlay) renderFrom(root, join(setRoot, OVERLAYS_DIR, overlay), plugin);
    if (overrides) {
      const label = (file: string) => `${overrides.label}/${relative(overrides.dir, file).split(sep).join('/')}`;
      renderFrom(overrides.dir, join(overrides.dir, set), label, OVERLAYS_DIR);
      if (overlay) renderFrom(overrides.dir, join(overrides.dir, set, OVERLAYS_DIR, overlay), label);
    }
    return [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
  };
}
