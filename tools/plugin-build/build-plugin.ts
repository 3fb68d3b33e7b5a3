// Builds the janus plugin into dist/libs/janus, the package users install, and points this workspace's
// node_modules/janus at it, so Nx here runs the compiled plugin exactly as a published install does (no
// TypeScript compiled on every run). The build is skipped while the sources' content digests match the stamp
// of the last build; the stamp also lets the plugin itself refuse to run once its sources have changed.
//
//   npm run build:plugin [-- --force]
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { satisfies } from 'semver';
import { type BuildStamp, buildStampPath } from '../../libs/janus/src/package/build-stamp';
import { changedSources, digestSources, type SourceSet } from '../../libs/janus/src/package/source-digest';
import { enginesConflicts } from './dependency-engines';
import { REPO_ROOT } from '../repo-root';

const PLUGIN_ROOT = 'libs/janus';
const PACKAGE_DIR = 'dist/libs/janus';
export const REBUILD_COMMAND = 'npm run build:plugin';

/** What the package is made of: what tsconfig.lib.json compiles, the assets copied beside it, and the compiler settings. */
export const PLUGIN_SOURCES: SourceSet = {
  include: [PLUGIN_ROOT, 'templates', 'tsconfig.base.json'],
  exclude: ['^libs/janus/node_modules(/|$)', '^libs/janus/project\\.json$', '\\.spec\\.ts$', '/testing(/|$)', '/__fixtures__(/|$)'],
};

export interface PluginBuildOptions {
  workspaceRoot?: string;
  /** Build even when the stamp says the package is current. */
  force?: boolean;
  /** Point `<workspaceRoot>/node_modules/janus` at the package (default true). */
  link?: boolean;
  log?: (line: string) => void;
}

export interface PluginBuild {
  packageRoot: string;
  /** false when the package was already built from these sources. */
  built: boolean;
}

function readStamp(packageRoot: string): BuildStamp | undefined {
  try {
    return JSON.parse(readFileSync(buildStampPath(packageRoot), 'utf8')) as BuildStamp;
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string, keep: (file: string) => boolean, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return filesUnder(dir, keep, path);
    return keep(path) ? [path] : [];
  });
}

/** The assets @nx/js:tsc used to copy: the package manifest and collections (migrations too), READMEs, schema.json files, the templates. */
function copyAssets(root: string, out: string): void {
  const plugin = join(root, PLUGIN_ROOT);
  for (const file of readdirSync(plugin).filter(
    (f) => ['package.json', 'executors.json', 'generators.json', 'migrations.json'].includes(f) || f.endsWith('.md'),
  )) {
    cpSync(join(plugin, file), join(out, file));
  }
  for (const file of filesUnder(join(plugin, 'src'), (f) => f.endsWith('/schema.json'))) {
    mkdirSync(dirname(join(out, 'src', file)), { recursive: true });
    cpSync(join(plugin, 'src', file), join(out, 'src', file));
  }
  cpSync(join(root, 'templates'), join(out, 'templates'), { recursive: true });
}

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** The version Node's resolution finds for `name` from `from` (node_modules of each ancestor, nearest first). */
function resolvedVersion(name: string, from: string): { version: string; dir: string } | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return { version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version, dir: dirname(manifest) };
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * What a published install would break on: a module the compiled code requires that the manifest does not
 * declare, or a declared one that resolves, from where the package sits, to a version outside its range
 * (npm nests per-workspace versions under libs/janus/node_modules, which dist/ never sees).
 */
function checkDependencies(out: string, finalRoot: string): string[] {
  const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const declared = { ...manifest.peerDependencies, ...manifest.dependencies };
  const builtin = new Set(builtinModules);
  const problems: string[] = [];
  const required = new Set<string>();
  for (const file of filesUnder(out, (f) => f.endsWith('.js'))) {
    for (const [, , spec] of readFileSync(join(out, file), 'utf8').matchAll(/\brequire\((["'])([^"'.][^"']*)\1\)/g)) {
      if (spec.startsWith('node:') || builtin.has(spec)) continue;
      required.add(packageName(spec));
    }
  }
  for (const name of required) if (!(name in declared)) problems.push(`compiled code requires '${name}', which package.json does not declare`);
  for (const [name, range] of Object.entries(declared)) {
    const found = resolvedVersion(name, finalRoot);
    if (!found) problems.push(`'${name}' (${range}) does not resolve from ${finalRoot}`);
    else if (!satisfies(found.version, range, { includePrerelease: true }))
      problems.push(`'${name}' resolves to ${found.version} (${found.dir}), outside the declared ${range}; hoist a matching version to the root`);
  }
  return problems;
}

/** Moves the finished build into place; a concurrent build may win the race, and then its result stays. */
function swapIn(staging: string, packageRoot: string): void {
  const old = `${dirname(packageRoot)}/.janus-old-${process.pid}`;
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(staging, packageRoot);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt > 3) throw e;
      try {
        renameSync(packageRoot, old);
      } catch (moved) {
        if ((moved as NodeJS.ErrnoException).code !== 'ENOENT') throw moved;
      }
    }
  }
  rmSync(old, { recursive: true, force: true });
}

/** `node_modules/janus` → the package, replaced atomically; anything but a link there is left alone and reported. */
function linkPackage(root: string, packageRoot: string): void {
  const link = join(root, 'node_modules', 'janus');
  const target = relative(dirname(link), packageRoot);
  let current: string | undefined;
  try {
    current = readlinkSync(link);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EINVAL') throw new Error(`${link} is a directory, not a link; remove it and run '${REBUILD_COMMAND}' again`);
    if (code !== 'ENOENT') throw e;
  }
  if (current === target) return;
  const tmp = `${link}.link-${process.pid}`;
  symlinkSync(target, tmp, 'dir');
  renameSync(tmp, link);
}

export function ensurePluginBuilt(options: PluginBuildOptions = {}): PluginBuild {
  const root = options.workspaceRoot ?? REPO_ROOT;
  const log = options.log ?? ((line: string) => console.log(`[janus] ${line}`));
  const packageRoot = join(root, PACKAGE_DIR);
  // Digested before compiling: an edit made during the build then shows as a change next time.
  const digests = digestSources(root, PLUGIN_SOURCES);
  const stamp = readStamp(packageRoot);
  const changes = stamp && existsSync(join(packageRoot, 'package.json')) ? changedSources(stamp.digests, digests) : undefined;
  const current = changes?.length === 0 && JSON.stringify(stamp!.sources) === JSON.stringify(PLUGIN_SOURCES);
  if (!current || options.force) {
    const why = options.force ? 'asked to' : changes ? `${changes.length} source file(s) changed, e.g. ${changes[0]}` : 'no build yet';
    log(`building the plugin into ${PACKAGE_DIR} (${why})`);
    const t0 = Date.now();
    const staging = join(dirname(packageRoot), `.janus-build-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    try {
      try {
        execFileSync(
          process.execPath,
          [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, PLUGIN_ROOT, 'tsconfig.lib.json'), '--outDir', staging],
          {
            cwd: root,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
      } catch (e) {
        const { stdout, stderr } = e as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`janus: the plugin does not compile; ${PACKAGE_DIR} is left as it was\n${`${stdout ?? ''}${stderr ?? ''}`.trimEnd()}`);
      }
      copyAssets(root, staging);
      const problems = [
        ...checkDependencies(staging, packageRoot),
        ...enginesConflicts(staging).map((c) => `${c.path} (${c.pkg}) needs Node ${c.engines}, outside the package's engines.node`),
      ];
      if (problems.length) throw new Error(`janus: the built plugin would not work as installed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      swapIn(staging, packageRoot);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    const written: BuildStamp = { workspaceRoot: relative(dirname(packageRoot), root) || '.', sources: PLUGIN_SOURCES, digests, rebuild: REBUILD_COMMAND };
    const stampFile = buildStampPath(packageRoot);
    writeFileSync(`${stampFile}.${process.pid}`, JSON.stringify(written, null, 2) + '\n');
    renameSync(`${stampFile}.${process.pid}`, stampFile);
    log(`built ${PACKAGE_DIR} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (options.link ?? true) linkPackage(root, packageRoot);
  return { packageRoot, built: !current || Boolean(options.force) };
}

if (require.main === module) {
  try {
    ensurePluginBuilt({ force: process.argv.includes('--force') });
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
