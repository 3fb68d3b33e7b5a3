import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { contentHash, parseRegions } from './managed-regions';
import { renderTemplateSet } from './template-renderer';

describe('renderTemplateSet', () => {
  let root: string;
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const render = (overlay?: string) => Object.fromEntries(renderTemplateSet('set', { name: 'x' }, overlay, root).map((f) => [f.path, f.content]));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'janus-templates-'));
    write('partials/greeting.hbs', 'hello {{name}}');
    write('set/README.md.hbs', '# Title\n{{> greeting}}\n');
    write('set/dot-env.hbs', 'NAME={{name}}\n');
    // Braces in a verbatim file are its own text (an f-string here), never a substitution.
    write('set/app/main.py', 'print(f"{{literal}}")\n');
    write('set/dot-tool-config', 'verbatim dotfile\n');
    write('set/app/agent.py', 'base = True\n');
    write('set/flavors/f/app/agent.py.hbs', 'flavor = "{{name}}"\n');
    write('set/flavors/f/app/extra.py', 'extra = True\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('renders .hbs files, copies every other file verbatim, and maps dot- to a leading dot for both', () => {
    expect(render()).toEqual({
      'README.md': `# Title\n<!-- janus:begin greeting ${contentHash('hello x\n')} -->\nhello x\n<!-- janus:end greeting -->\n`,
      '.env': 'NAME=x\n',
      '.tool-config': 'verbatim dotfile\n',
      'app/main.py': 'print(f"{{literal}}")\n',
      'app/agent.py': 'base = True\n',
    });
  });

  it('lays an overlay over the set, a template replacing a verbatim file and the other way round', () => {
    const files = render('f');
    expect(files['app/agent.py']).toBe('flavor = "x"\n');
    expect(files['app/extra.py']).toBe('extra = True\n');
    expect(Object.keys(files).some((p) => p.startsWith('flavors/'))).toBe(false);
  });

  it('never copies Python byte-code caches', () => {
    write('set/app/__pycache__/main.cpython-311.pyc', '\0bytecode');
    write('set/app/stray.pyc', '\0bytecode');
    write('set/app/stray.pyo', '\0bytecode');
    expect(Object.keys(render()).filter((p) => /pycache|\.py[co]$/.test(p))).toEqual([]);
  });

  it('refuses a verbatim file and a template that would render the same path', () => {
    write('set/app/main.py.hbs', '{{name}}');
    expect(() => render()).toThrow(/set\/app\/main\.py and set\/app\/main\.py\.hbs both render app\/main\.py/);
  });

  it('marks every partial as a region in the comment syntax of the file type, nested regions hashed apart', () => {
    write('partials/stage.hbs', 'FROM base\n{{> check}}\nUSER 1\n');
    write('partials/check.hbs', 'HEALTHCHECK CMD ["true"]\n');
    write('set/Dockerfile.hbs', '# owner text\n{{> stage}}\nCMD ["x"]\n');
    write('set/conf.yaml.hbs', 'top:\n  {{> check}}\n');
    const files = renderTemplateSet('set', { name: 'x' }, undefined, root);
    const dockerfile = files.find((f) => f.path === 'Dockerfile')!;
    const own = (partial: string) => {
      const parsed = parseRegions('Dockerfile', dockerfile.content);
      if (!parsed.ok) throw new Error('broken');
      return [...parsed.children, ...parsed.children.flatMap((c) => c.children)].find((r) => r.partial === partial)!;
    };
    expect(dockerfile.content).toBe(
      [
        '# owner text',
        `# janus:begin stage ${own('stage').hash}`,
        'FROM base',
        `# janus:begin check ${contentHash('HEALTHCHECK CMD ["true"]\n')}`,
        'HEALTHCHECK CMD ["true"]',
        '# janus:end check',
        'USER 1',
        '# janus:end stage',
        'CMD ["x"]',
        '',
      ].join('\n'),
    );
    // The stage's hash covers its own lines only: a changed healthcheck is a change to `check` alone.
    expect(own('stage').hash).toBe(contentHash('FROM base\n\u0000check\nUSER 1\n'));
    expect(dockerfile.regions.map((r) => [r.partial, r.source])).toEqual([
      ['stage', 'janus'],
      ['check', 'janus'],
    ]);
    // Indented partials keep their indentation on the marker lines.
    expect(files.find((f) => f.path === 'conf.yaml')!.content).toMatch(/^top:\n {2}# janus:begin check [0-9a-f]{12}\n {2}HEALTHCHECK/);
  });

  it('manages a JSON file whole, hashed by its value so reformatting is not an edit', () => {
    write('set/config.json.hbs', '{ "name": "{{name}}" }\n');
    const file = renderTemplateSet('set', { name: 'x' }, undefined, root).find((f) => f.path === 'config.json')!;
    expect(file.regions).toEqual([]);
    expect(file.whole).toEqual({ hash: contentHash('{"name":"x"}'), source: 'janus' });
  });

  it('refuses a partial that does not stand on a line of its own, naming the template', () => {
    write('set/notes.md.hbs', '# {{> greeting}}!\n');
    expect(() => render()).toThrow(/notes\.md\.hbs: the partial greeting must stand on a line of its own/);
  });

  it("takes a workspace's override of a partial and records where each region came from", () => {
    const ws = mkdtempSync(join(tmpdir(), 'janus-overrides-'));
    try {
      mkdirSync(join(ws, 'partials'));
      writeFileSync(join(ws, 'partials/greeting.hbs'), 'hi {{name}}\n');
      const readme = renderTemplateSet('set', { name: 'x' }, undefined, root, { dir: ws, label: 'tools/tpl' }).find((f) => f.path === 'README.md')!;
      expect(readme.content).toContain('\nhi x\n');
      expect(readme.regions).toEqual([{ partial: 'greeting', hash: contentHash('hi x\n'), source: 'tools/tpl/partials/greeting.hbs' }]);
      // The override names a value the context does not have: the error says overrides are in use.
      writeFileSync(join(ws, 'partials/greeting.hbs'), 'hi {{nickname}}\n');
      expect(() => renderTemplateSet('set', { name: 'x' }, undefined, root, { dir: ws, label: 'tools/tpl' })).toThrow(
        /README\.md\.hbs failed: .*nickname.*workspace overrides in use: tools\/tpl\/partials\/greeting\.hbs/s,
      );
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
