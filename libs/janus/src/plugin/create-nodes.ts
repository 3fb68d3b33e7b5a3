import type { CreateDependencies, CreateNodes, RawProjectGraphDependency } from '@nx/devkit';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPOSE_FILE_NAMES } from '../compose/compose-file-names';
import { parseImageReference } from '../oci/image-reference';
import type { inferComposeProject as composeInfer, inferTargets as infer, JanusComposeFacts, JanusProjectFacts } from './infer-targets';
import { nx, projectHashes } from './nx-runtime';
import { DEFAULT_PLUGIN_OPTIONS } from './plugin-defaults';
import type { NormalizedPluginOptions } from '../workspace/plugin-options';
import { PLUGIN_VERSION } from './plugin-version';
import { nxMajor } from '../workspace/nx-version';
import { assertSupportedNx } from './supported-nx';

// The plugin's entry: what a warm graph computation runs. It loads only node's own modules, nx's (already
// loaded in the plugin worker, see nx-runtime.ts) and a few small files; inference itself (infer-targets.ts,
// with the Dockerfile parser and the template reader) is loaded on a cache miss only.

export type { JanusComposeFacts, JanusProjectFacts } from './infer-targets';

/** The root project's compose targets and facts (loads the inference code on first use). */
export async function inferComposeProject(...args: Parameters<typeof composeInfer>): Promise<ReturnType<typeof composeInfer>> {
  return (await import('./infer-targets')).inferComposeProject(...args);
}

/** One project's targets and facts, inferred from its Dockerfile (loads the inference code on first use). */
export async function inferTargets(...args: Parameters<typeof infer>): Promise<ReturnType<typeof infer>> {
  return (await import('./infer-targets')).inferTargets(...args);
}

async function ownedBy(options: NormalizedPluginOptions, workspaceRoot: string): Promise<(dockerfilePath: string) => boolean> {
  const matches = options.include.length || options.exclude.length ? (await import('minimatch')).minimatch : () => false;
  return (file) =>
    !options.exclude.some((p) => matches(file, p, { dot: true })) &&
    (existsSync(join(workspaceRoot, dirname(file), 'janus.json')) || options.include.some((p) => matches(file, p, { dot: true })));
}

/**
 * nx.json's plugin options, validated once per distinct value: the normalized result is kept under Nx's
 * workspace data (by a hash of the raw options and the plugin version), since loading zod to check the same
 * options again costs more than the whole rest of a warm inference.
 */
async function pluginOptions(raw: unknown): Promise<NormalizedPluginOptions> {
  if (raw === undefined || (typeof raw === 'object' && raw !== null && Object.keys(raw).length === 0)) return DEFAULT_PLUGIN_OPTIONS;
  const dataDir = nx.workspaceDataDirectory();
  const file = join(dataDir, `janus-options-${nx.hashObject()({ raw, PLUGIN_VERSION })}.json`);
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as NormalizedPluginOptions | null;
    if (kept) return kept;
  } catch {
    // None yet, or a torn or foreign file: validate again and replace it.
  }
  const normalized = (await import('../workspace/plugin-options')).normalizePluginOptions(raw);
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(normalized));
    renameSync(`${file}.${process.pid}`, file);
  } catch {
    // Only a cache: the next graph computation validates again.
  }
  return normalized;
}

/**
 * Every Dockerfile janus owns (a janus.json beside it, or opted in by `include`) gets the janus targets with
 * exact inputs. Results are cached by a hash of the project's files, the options and the plugin's version,
 * since the cache key does not cover the plugin's code.
 */
export const createNodes: CreateNodes<unknown> = [
  '{**/Dockerfile,compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml}',
  async (files, rawOptions, context) => {
    assertSupportedNx();
    const options = await pluginOptions(rawOptions);
    const owned = await ownedBy(options, context.workspaceRoot);
    const dockerfiles = files.filter((f) => f === 'Dockerfile' || f.endsWith('/Dockerfile'));
    const mine = dockerfiles.filter(owned);
    const PluginCache = nx.PluginCache();
    const cachePath = join(nx.workspaceDataDirectory(), `janus-${nx.hashObject()({ options, PLUGIN_VERSION, NX_MAJOR: nxMajor() })}.hash`);
    const cache = new PluginCache<ReturnType<typeof infer> | ReturnType<typeof composeInfer>>(cachePath);
    // The root compose file gives the workspace-level targets; they are inferred again only when what they read changes.
    const composeFile = COMPOSE_FILE_NAMES.find((n) => files.includes(n));
    let compose: ReturnType<typeof composeInfer> | undefined;
    if (composeFile) {
      // What the root project's inference reads: the compose file, and the root's name (its folder, project.json, package.json).
      const digest = createHash('sha256').update(context.workspaceRoot);
      for (const f of [composeFile, 'project.json', 'package.json']) {
        const path = join(context.workspaceRoot, f);
        digest.update(`\0${f}\0`).update(existsSync(path) ? readFileSync(path) : '');
      }
      const key = `compose:${composeFile}:${digest.digest('hex')}`;
      if (!cache.has(key)) cache.set(key, await inferComposeProject([composeFile], options, context));
      compose = cache.get(key) as ReturnType<typeof composeInfer>;
    }
    const hashes = await projectHashes(
      mine.map((f) => dirname(f)),
      // Inferred targets depend on the running Nx's major version too (docker-run's `continuous`).
      { options, PLUGIN_VERSION, NX_MAJOR: nxMajor() },
      context.workspaceRoot,
    );
    try {
      const nodes = await nx.createNodesFromFiles()(
        async (file, _options, ctx, i) => {
          const key = hashes[i] + file;
          if (!cache.has(key)) cache.set(key, await inferTargets(file, options, ctx));
          return cache.get(key) as ReturnType<typeof infer>;
        },
        mine,
        rawOptions,
        context,
      );
      return compose ? [...nodes, compose] : nodes;
    } finally {
      // Nx 22 takes the path here (its constructor only reads from it); 23 and 24 keep it from the constructor
      // and ignore the argument.
      (cache as unknown as { writeToDisk(path?: string): void }).writeToDisk(cachePath);
    }
  },
];

/**
 * Edges the Dockerfiles imply: a FROM naming an image another workspace project builds (it must build first,
 * and its change affects this one), and a COPY of files that belong to another project (a shared library).
 */
export const createDependencies: CreateDependencies = (_options, context) => {
  const facts = Object.entries(context.projects)
    .map(([name, p]) => ({ name, root: p.root, janus: (p.metadata as { janus?: JanusProjectFacts } | undefined)?.janus }))
    .filter((p): p is { name: string; root: string; janus: JanusProjectFacts } => Boolean(p.janus));
  const byRepository = new Map(facts.map((p) => [p.janus.repository, p.name]));
  const byRoot = new Map(Object.entries(context.projects).map(([name, p]) => [p.root, name]));
  // The deepest project root that holds the file, found by walking up its directories (not by scanning every root
  // for every file a build reads, which grows as projects times files).
  const owner = (file: string): string | undefined => {
    for (let dir = file; ;) {
      const name = byRoot.get(dir);
      if (name) return name;
      const slash = dir.lastIndexOf('/');
      if (slash < 0) return byRoot.get('.') ?? byRoot.get('');
      dir = dir.slice(0, slash);
    }
  };
  const fromEdges: RawProjectGraphDependency[] = [];
  const copyEdges: RawProjectGraphDependency[] = [];
  for (const p of facts) {
    const sourceFile = join(p.root, 'Dockerfile');
    for (const image of p.janus.baseImages) {
      const target = byRepository.get(parseImageReference(image).repository);
      if (target && target !== p.name) fromEdges.push({ source: p.name, target, type: nx.DependencyType().static, sourceFile });
    }
    const copied = new Set(p.janus.readsFiles.map(owner).filter((o): o is string => Boolean(o) && o !== p.name));
    for (const target of copied) copyEdges.push({ source: p.name, target, type: nx.DependencyType().static, sourceFile });
  }
  // The root compose file runs images of workspace projects: compose-up builds them first (^docker-build).
  const composeEdges: RawProjectGraphDependency[] = [];
  const withoutLibrary = (r: string) => r.replace(/^library\//, '');
  const byService = new Map(facts.map((p) => [withoutLibrary(p.janus.repository), p.name]));
  for (const [name, p] of Object.entries(context.projects)) {
    const compose = (p.metadata as { janusCompose?: JanusComposeFacts } | undefined)?.janusCompose;
    for (const s of compose?.services ?? []) {
      const target = byService.get(withoutLibrary(s.repository));
      if (target && target !== name) composeEdges.push({ source: name, target, type: nx.DependencyType().static, sourceFile: compose!.file });
    }
  }
  const unique = new Map([...withoutCycles(fromEdges), ...copyEdges, ...composeEdges].map((d) => [`${d.source}>${d.target}`, d]));
  return [...unique.values()].filter((d) => {
    try {
      nx.validateDependency()(d, context);
      return true;
    } catch {
      return false;
    }
  });
};

/**
 * Images built FROM each other in a circle can never build: the edges of a cycle are left out of the graph
 * (so the rest of it still works) and the cycle is named, once, for the user to break.
 */
export function withoutCycles(edges: RawProjectGraphDependency[]): RawProjectGraphDependency[] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const inCycle = new Set<string>();
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, path: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(node)), node];
      cycles.push(cycle);
      for (let i = 0; i < cycle.length - 1; i++) inCycle.add(`${cycle[i]}>${cycle[i + 1]}`);
      return;
    }
    state.set(node, 'visiting');
    for (const t of next.get(node) ?? []) visit(t, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of next.keys()) visit(node, []);
  for (const cycle of cycles)
    nx.logger().warn(`janus: images are built FROM each other in a circle (${cycle.join(' -> ')}); those edges are left out until it is broken`);
  return edges.filter((e) => !inCycle.has(`${e.source}>${e.target}`));
}
