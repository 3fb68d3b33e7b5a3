// A workspace build older than its sources stops here, as every generator does through parse-options (which a
// check with no options given never loads).
import '../../package/assert-current-build';
import type * as Devkit from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { join } from 'node:path';
import { fromNx, nx } from '../../plugin/nx-runtime';
import { templatesDir } from '../../rendering/templates-dir';
import { cannotCheck } from './lib/cannot-check';
import { SYNC_CACHE_FILE, SyncCache } from './lib/sync-cache';
import type { ProjectSyncReport, syncProject as SyncProject } from './lib/sync-project';
import type { TemplateOverrides, TemplateRenderer } from '../../rendering/template-renderer';
import type { NormalizedSyncOptions, SyncGeneratorOptions } from './options-schema';
import { SYNC_GENERATOR } from '../../workspace/plugin-names';

export type { ProjectSyncReport } from './lib/sync-project';

// Nx runs a sync generator in its own process, which has loaded nx but not @nx/devkit's whole public API: the
// few functions a check needs are taken from the nx modules that define them (see plugin/nx-runtime.ts), and
// the rendering (Handlebars, the option schemas) is loaded on the first project the cache cannot vouch for.
const getProjects = fromNx<typeof Devkit.getProjects>('generators/utils/project-configuration', 'getProjects', '@nx/devkit');
const joinPathFragments = fromNx<typeof Devkit.joinPathFragments>('utils/path', 'joinPathFragments', '@nx/devkit');
const nxWorkspaceRoot = fromNx<string>('utils/workspace-root', 'workspaceRoot', '@nx/devkit');

// Projects janus rendered, even when their janus.json is gone: the generator tags them, and markers say so.
function looksRendered(tree: Tree, root: string, tags: string[] = []): boolean {
  return tags.includes('janus:baseline') || Boolean(tree.read(joinPathFragments()(root, 'Dockerfile'), 'utf8')?.includes(' janus:begin '));
}

/** The sync cache of the workspace Nx runs in; none for another tree (a spec's virtual one). */
function defaultCacheFile(tree: Tree): string | undefined {
  return tree.root === nxWorkspaceRoot() ? join(nx.workspaceDataDirectory(), SYNC_CACHE_FILE) : undefined;
}

/** For specs: where the cache lives, and what it did. */
export interface SyncRunOptions {
  cacheFile?: string;
  stats?: { hits: number; misses: number };
}

function printReport(r: ProjectSyncReport, withProblems: boolean): void {
  if (!r.changed.length && !r.kept.length && !(withProblems && r.problems.length) && !r.notes.length) return;
  const logger = nx.logger();
  logger.info(`janus sync: ${r.project} (${r.root})`);
  for (const line of r.changed) {
    logger.info(`  updated ${line}`);
    const diff = r.diffs.get(line);
    if (diff) logger.info(diff.replace(/^/gm, '      '));
  }
  for (const k of r.kept) {
    if (!k.diff) {
      logger.warn(`  kept ${k.where}: edited in the project (the templates have not changed it; nx g janus:sync --force puts their text back)`);
      continue;
    }
    logger.warn(`  kept ${k.where}: edited in the project, and the templates changed it too (nx g janus:sync --force replaces it)`);
    logger.warn(`    theirs (-) against the templates (+):\n${k.diff.replace(/^/gm, '      ')}`);
  }
  if (withProblems) for (const line of r.problems) logger.error(`  ${line}`);
  for (const line of r.notes) logger.info(`  note: ${line}`);
}

/**
 * `nx sync` / `nx sync:check` (and before docker-build and dockerfile-lint): every janus project's managed
 * regions and files re-rendered from the current templates and its janus.json, owners' edits kept. Called by
 * Nx's sync machinery with the tree alone, it answers with the out-of-sync summary; through `nx g janus:sync`
 * (options given, e.g. --force or --dry-run) it answers as an ordinary generator.
 */
export async function syncGenerator(tree: Tree, raw?: SyncGeneratorOptions, run: SyncRunOptions = { cacheFile: defaultCacheFile(tree) }) {
  // Called by Nx's sync machinery with the tree alone: every option has its default (no schema to load).
  const options: NormalizedSyncOptions =
    raw === undefined
      ? { force: false, projects: [] }
      : (await import('../../schema/parse-options')).parseOptions((await import('./options-schema')).schema, raw, SYNC_GENERATOR);
  // --force changes what a check does with owners' edits: never answered from the cache.
  const cache = run.cacheFile && !options.force ? new SyncCache(run.cacheFile, tree, templatesDir(), (m) => nx.logger().warn(m)) : undefined;
  let render: { syncProject: typeof SyncProject; overrides: TemplateOverrides | undefined; renderer: TemplateRenderer } | undefined;
  const rendering = async () => {
    if (render) return render;
    const [{ syncProject }, { templateOverrides }, { createTemplateRenderer }] = await Promise.all([
      import('./lib/sync-project'),
      import('../../rendering/template-overrides'),
      import('../../rendering/template-renderer'),
    ]);
    const overrides = templateOverrides(tree);
    cache?.useOverrides(overrides?.dir);
    render = { syncProject, overrides, renderer: createTemplateRenderer(undefined, overrides) };
    return render;
  };
  const reports: ProjectSyncReport[] = [];
  const nothing = () => ({ changed: [], diffs: new Map<string, string>(), kept: [], notes: [], problems: [] });
  for (const [name, project] of [...getProjects()(tree)].sort(([a], [b]) => a.localeCompare(b))) {
    if (options.projects.length && !options.projects.includes(name)) continue;
    const recordPath = joinPathFragments()(project.root, 'janus.json');
    if (!tree.exists(recordPath)) {
      if (looksRendered(tree, project.root, project.tags)) {
        reports.push({
          project: name,
          root: project.root,
          ...nothing(),
          problems: [`${name}: ${recordPath} is missing, so janus cannot tell what ${project.root} was rendered from; nothing in it was synced`],
        });
      }
      continue;
    }
    const kept = cache?.lookup(name, project.root);
    if (kept) {
      if (kept.report) reports.push({ project: name, root: project.root, ...nothing(), ...kept.report });
      continue;
    }
    // Every janus.json is checked against its schema (an invalid one fails the check, naming it); hand-written
    // ones (no template set, e.g. kind base-image) have nothing to render again and give no report.
    const { syncProject, overrides, renderer } = await rendering();
    const report = syncProject(tree, name, project.root, overrides, options.force, renderer);
    cache?.remember(name, project.root, report);
    if (report) reports.push(report);
  }
  // The override folder is checked even with no project to render (a cache hit implies it was checked then).
  if (!render && !cache?.hits) await rendering();
  cache?.save(!options.projects.length);
  if (cache && run.stats) Object.assign(run.stats, { hits: cache.hits, misses: cache.misses });
  // As Nx's sync machinery (sync:check, the CI gate) calls it, a project that cannot be checked fails the check:
  // Nx fails `sync:check` only on pending file changes or a thrown error, so the problems are thrown.
  const problems = reports.flatMap((r) => r.problems);
  const asSyncGenerator = raw === undefined;
  for (const r of reports) printReport(r, !asSyncGenerator);
  if (asSyncGenerator && problems.length) throw cannotCheck(problems);
  const changed = reports.flatMap((r) => r.changed);
  const details = [
    ...changed,
    ...reports.flatMap((r) => r.kept.map((k) => `kept (edited in the project): ${k.where}`)),
    ...reports.flatMap((r) => r.problems.map((p) => `not synced: ${p}`)),
  ];
  const projects = reports.filter((r) => r.changed.length).length;
  const result = changed.length
    ? {
        outOfSyncMessage: `janus: ${changed.length} managed region(s) or file(s) in ${projects} project(s) differ from the templates; run "nx sync" to update them`,
        outOfSyncDetails: details,
      }
    : {};
  if (raw === undefined) return result;
  return () => undefined;
}

export default syncGenerator;
