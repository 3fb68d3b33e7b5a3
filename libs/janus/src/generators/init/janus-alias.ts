import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, type Tree, updateJson } from '@nx/devkit';
import { COLLECTION, PACKAGE_NAME } from '../../workspace/plugin-names';

/** Where init keeps the workspace's `janus` package, which npm links as node_modules/janus. */
export const ALIAS_DIR = 'tools/janus-alias';
/** The root package.json's dependency spec for it. */
export const ALIAS_SPEC = `file:${ALIAS_DIR}`;

// The plugin's own executors.json (one folder above src/ in the source tree and in the built package).
const OWN_EXECUTORS = join(__dirname, '../../../executors.json');

// A module of the alias that is the scoped one. Written as a call, not a require literal, which the package
// build would take for a dependency of the plugin itself.
const reExport = (module: string) => `module.exports = ${'require'}('${module}');\n`;

type PackageJson = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

/**
 * The files of the `janus` alias: Nx resolves a collection (`nx g janus:…`, `"executor": "janus:…"`) and a plugin
 * entry (`janus/plugin`) by package name, while the plugin is installed under its own scoped name, which is what
 * `nx add` and `nx migrate` need. So the alias holds no code: its generators.json `extends` the scoped collection,
 * each executor names the scoped one (Nx follows a `"<package>:<executor>"` string), and `janus/plugin` re-exports
 * the scoped plugin. Whatever version is installed answers; only a new executor name needs the alias rewritten
 * (init does that again).
 */
export function aliasFiles(): Record<string, string> {
  const executors = Object.keys((JSON.parse(readFileSync(OWN_EXECUTORS, 'utf8')) as { executors: object }).executors);
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'package.json': json({
      name: COLLECTION,
      version: '0.0.0',
      private: true,
      description: `The name \`${COLLECTION}\` for ${PACKAGE_NAME} in this workspace (nx g ${COLLECTION}:…); written by ${PACKAGE_NAME}:init, holds no code.`,
      main: './index.js',
      generators: './generators.json',
      executors: './executors.json',
    }),
    'generators.json': json({ extends: [PACKAGE_NAME], generators: {} }),
    'executors.json': json({ executors: Object.fromEntries(executors.map((name) => [name, `${PACKAGE_NAME}:${name}`])) }),
    'index.js': reExport(PACKAGE_NAME),
    'plugin.js': reExport(`${PACKAGE_NAME}/plugin`),
  };
}

/**
 * Makes `janus` name this plugin in the workspace, unless the workspace already gives the name a meaning: a
 * `janus` dependency of any kind (the `janus@npm:${PACKAGE_NAME}` alias, a workspace link, this alias itself).
 * Returns whether package.json changed, so the caller knows an install must link it.
 */
export function ensureJanusAlias(tree: Tree): boolean {
  if (!tree.exists('package.json')) return false;
  const pkg = readJson<PackageJson>(tree, 'package.json');
  const declared = pkg.dependencies?.[COLLECTION] ?? pkg.devDependencies?.[COLLECTION];
  if (declared !== undefined && declared !== ALIAS_SPEC) return false;
  for (const [file, content] of Object.entries(aliasFiles())) {
    const path = `${ALIAS_DIR}/${file}`;
    if (tree.read(path, 'utf8') !== content) tree.write(path, content);
  }
  if (declared === ALIAS_SPEC) return false;
  updateJson<PackageJson>(tree, 'package.json', (json) => {
    json.devDependencies = Object.fromEntries(Object.entries({ ...json.devDependencies, [COLLECTION]: ALIAS_SPEC }).sort(([a], [b]) => a.localeCompare(b)));
    return json;
  });
  return true;
}
