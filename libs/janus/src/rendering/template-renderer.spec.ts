import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
    write('set/README.md.hbs', '# {{> greeting}}!\n');
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
      'README.md': '# hello x!\n',
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
});
