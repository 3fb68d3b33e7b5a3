import type { CreateDependencies, CreateNodes, RawProjectGraphDependency } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPOSE_FILE_NAMES } from '../compose/compose-file-names';
import { parseImageReference } from '../oci/image-reference';
import type { inferComposeProject as composeInfer, inferTargets as infer, JanusComposeFacts, JanusProjectFacts } from './infer-targets';
import { InferenceCache, noReads } from './inference-cache';
import { nx } from './nx-runtime';
import { DEFAULT_PLUGIN_OPTIONS } from './plugin-defaults';
import type { NormalizedPluginOptions } from '../workspace/plugin-options';
import { PLUGIN_ROOT, PLUGIN_CODE_ID } from './plugin-version';
import { installedNxVersion } from '../workspace/nx-version';
import { assertSupportedNx } from './supported-nx';
import { writeCacheFile } from '../workspace/cache-file';

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

async function ownedBy(options: NormalizedPluginOptions, exists: (path: string) => boolean): Promise<(dockerfilePath: string) => boolean> {
  const matches = options.include.length || options.exclude.length ? (await import('minimatch')).minimatch : () => false;
  return (file) =>
    !options.exclude.some((p) => matches(file, p, { dot: true })) &&
    (exists(join(dirname(file), 'janus.json')) || options.include.some((p) => matches(file, p, { dot: true })));
}

/**
 * nx.json's plugin options, validated once per distinct value: the normalized result is kept under Nx's
 * workspace data (by a hash of the raw options and the plugin version), since loading zod to check the same
 * options again costs more than the whole rest of a warm inference.
 */
async function pluginOptions(raw: unknown): Promise<NormalizedPluginOptions> {
  if (raw === undefined || (typeof raw === 'object' && raw !== null && Object.keys(raw).length === 0)) return DEFAULT_PLUGIN_OPTIONS;
  const dataDir = nx.workspaceDataDirectory();
  const file = join(dataDir, `janus-options-${nx.hashObject()({ raw, PLUGIN_CODE_ID })}.json`);
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as NormalizedPluginOptions | null;
    if (kept) return kept;
  } catch {
    // None yet, or a torn or foreign file: validate again and replace it.
  }
  const normalized = (await import('../workspace/plugin-options')).normalizePluginOptions(raw);
  // Only a cache: if it cannot be kept, the next graph computation validates again.
  writeCacheFile(file, JSON.stringify(normalized));
  return normalized;
}

/**
 * What inferred targets depend on besides files: the options, the plugin's version (the key cannot cover its
 * code), where it runs from, the Nx version (docker-run's `continuous`) and the environment inference reads.
 */
export function inferenceKey(options: NormalizedPluginOptions, nxVersion: string | null, env: NodeJS.ProcessEnv): string {
  return nx.hashObject()({ options, PLUGIN_CODE_ID, PLUGIN_ROOT, NX: nxVersion, JANUS_TEMPLATES_DIR: env.JANUS_TEMPLATES_DIR ?? '' });
}

/** The one inference cache file, under Nx's workspace data (next to Nx's own caches, removed by `nx reset`). */
export const INFERENCE_CACHE_FILE = 'janus-inference.json';

/**
 * Every Dockerfile janus owns (a janus.json beside it, or opted in by `include`) gets the janus targets with
 * exact inputs. Results are kept in one cache file (inference-cache.ts) under a key of what is not a file (the
 * options, the plugin's version, since the key cannot cover the plugin's code, the Nx major, the environment);
 * a project's entry holds as long as the files and folders its inference read are unchanged. A project whose
 * files cannot be read is named and left out, never taking the graph down.
 */
export const createNodes: CreateNodes<unknown> = [
  '{**/Dockerfile,compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml}',
  async (files, rawOptions, context) => {
    const options = await pluginOptions(rawOptions);
    const key = inferenceKey(options, installedNxVersion(), process.env);
    const cache = new InferenceCache(join(nx.workspaceDataDirectory(), INFERENCE_CACHE_FILE), key, context.workspaceRoot, (m) => nx.logger().warn(m));
    // A cache written under this key was written with this very Nx and plugin, after the check passed.
    if (!cache.sameKey) assertSupportedNx();
    const owned = await ownedBy(options, (path) => cache.exists(path));
    const mine = files.filter((f) => f === 'Dockerfile' || f.endsWith('/Dockerfile')).filter(owned);
    try {
      // The root compose file gives the workspace-level targets; they are inferred again only when what they read changes.
      const composeFile = COMPOSE_FILE_NAMES.find((n) => files.includes(n));
      let compose: ReturnType<typeof composeInfer> | undefined;
      if (composeFile) {
        const id = `compose:${composeFile}`;
        compose = cache.get(id) as typeof compose;
        if (!compose) {
          compose = await inferComposeProject([composeFile], options, context);
          // What the root project's inference reads: the compose file, and the root's name (its folder, project.json, package.json).
          cache.set(id, { files: [composeFile, 'project.json', 'package.json'], listings: [], trees: [] }, compose);
        }
      }
      const nodes = await nx.createNodesFromFiles()(
        async (file, _options, ctx) => {
          const kept = cache.get(file) as ReturnType<typeof infer> | undefined;
          if (kept) return kept;
          const reads = noReads();
          let result: ReturnType<typeof infer>;
          try {
            result = await inferTargets(file, options, ctx, reads);
          } catch (e) {
            // Unreadable files (permissions, a folder vanishing mid-walk): this project alone drops out, and says why.
            nx.logger().warn(`janus: ${dirname(file)} is left out of the project graph: its files cannot be read (${(e as Error).message})`);
            return {};
          }
          cache.set(file, reads, result);
          return result;
        },
        mine,
        rawOptions,
        context,
      );
      return compose ? [...nodes, compose] : nodes;
    } finally {
      cache.save();
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
