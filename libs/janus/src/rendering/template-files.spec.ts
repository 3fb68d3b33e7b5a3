import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listTemplateFiles, TEMPLATE_SUFFIX } from './template-renderer';
import { templatesDir } from './templates-dir';

// The rule that keeps verbatim sources real source files: a file is a Handlebars template (`.hbs`) exactly
// when it substitutes something. Partials are Handlebars by role (`{{> name}}` includes them), so they are
// exempt from needing an expression of their own.
describe('the files in templates/', () => {
  const root = templatesDir();
  const sets = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'partials')
    .map((e) => e.name);
  const files = sets.flatMap((set) => listTemplateFiles(join(root, set)));
  const rel = (f: string) => relative(root, f);
  const hasExpression = (f: string) => readFileSync(f, 'utf8').includes('{{');

  it('has template sets to check', () => {
    expect(sets).toContain('baseline');
    expect(files.length).toBeGreaterThan(5);
  });

  it('uses .hbs only for files with a template expression', () => {
    expect(files.filter((f) => f.endsWith(TEMPLATE_SUFFIX) && !hasExpression(f)).map(rel)).toEqual([]);
  });

  it('has no template expression in a verbatim file', () => {
    expect(files.filter((f) => !f.endsWith(TEMPLATE_SUFFIX) && hasExpression(f)).map(rel)).toEqual([]);
  });

  it('keeps partials as .hbs, since only those are registered', () => {
    expect(
      listTemplateFiles(join(root, 'partials'))
        .filter((f) => !f.endsWith(TEMPLATE_SUFFIX))
        .map(rel),
    ).toEqual([]);
  });
});
