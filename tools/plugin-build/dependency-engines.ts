import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { subset, validRange } from 'semver';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  engines?: { node?: string };
}

export interface EnginesConflict {
  /** name@version, as installed */
  pkg: string;
  /** how it is reached from the plugin, e.g. `janus > openai > foo` */
  path: string;
  engines: string;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Where Node's resolution finds `name` from `from`: node_modules of each ancestor, nearest first. */
function installedAt(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return join(dir, 'node_modules', name);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Every installed package the plugin's production dependencies bring (dependencies and the optional ones that
 * are installed, transitively, as resolved from node_modules) whose `engines.node` does not admit every Node the
 * plugin's own `engines.node` claims. npm only warns (EBADENGINE) on such a package, and then it fails at run time
 * on the Node the plugin said it supports.
 */
export function enginesConflicts(pluginDir: string): EnginesConflict[] {
  const plugin = readManifest(pluginDir);
  const claimed = plugin.engines?.node;
  if (!claimed || !validRange(claimed)) throw new Error(`${pluginDir}/package.json: engines.node is '${claimed}', not a semver range`);
  const conflicts: EnginesConflict[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, manifest: Manifest, path: string) => {
    const wanted = { ...manifest.optionalDependencies, ...manifest.dependencies };
    for (const name of Object.keys(wanted)) {
      const at = installedAt(name, dir);
      if (!at) {
        if (manifest.dependencies?.[name]) throw new Error(`${path} needs ${name}, which is not installed under ${dir}`);
        continue; // an optional dependency for another platform
      }
      if (seen.has(at)) continue;
      seen.add(at);
      const dep = readManifest(at);
      const node = dep.engines?.node;
      if (node && !(validRange(node) && subset(claimed, node, { includePrerelease: true })))
        conflicts.push({ pkg: `${dep.name}@${dep.version}`, path: `${path} > ${name}`, engines: node });
      walk(at, dep, `${path} > ${name}`);
    }
  };
  walk(pluginDir, plugin, plugin.name);
  return conflicts;
}
