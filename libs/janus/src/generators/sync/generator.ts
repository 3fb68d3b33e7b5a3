import { getProjects, joinPathFragments, logger, type Tree } from '@nx/devkit';
import { parseOptions } from '../../schema/parse-options';
import { isRenderRecord, parseJanusJson, type RenderRecord } from '../../rendering/janus-json';
import { formatRecord, managedRecord, PACKAGE_VERSION, renderProject } from '../../rendering/render-record';
import { createTemplateRenderer, type TemplateOverrides, type TemplateRenderer } from '../../rendering/template-renderer';
import { templateOverrides } from '../../rendering/template-overrides';
import { cannotCheck } from './lib/cannot-check';
import { type FileSyncResult, syncRegions, syncWholeFile } from './lib/sync-file';
import { type SyncGeneratorOptions, schema } from './options-schema';
import { SYNC_GENERATOR } from '../../workspace/plugin-names';

/** What sync found in one project. */
export interface ProjectSyncReport {
  project: string;
  root: string;
  /** `<file>: <partial> (+a -r)` for every region or file brought up to the templates. */
  changed: string[];
  /** The diff of each change, printed under it. */
  diffs: Map<string, string>;
  /** Owner-edited regions, kept as they are: `<file>:<line>: <partial>`, with a diff when the templates changed them too. */
  kept: { where: string; diff?: string }[];
  /** Why (part of) the project could not be synced: nothing of that part was written. */
  problems: string[];
  notes: string[];
}

// Projects janus rendered, even when their janus.json is gone: the generator tags them, and markers say so.
function looksRendered(tree: Tree, root: string, tags: string[] = []): boolean {
  return tags.includes('janus:baseline') || Boolean(tree.read(joinPathFragments(root, 'Dockerfile'), 'utf8')?.includes(' janus:begin '));
}

/**
 * Syncs one project in the tree; writes nothing for it when its janus.json is invalid or cannot be rendered.
 * Undefined for a hand-written janus.json (no template set, e.g. kind base-image): there is nothing to render again.
 */
export function syncProject(
  tree: Tree,
  project: string,
  root: string,
  overrides: TemplateOverrides | undefined,
  force: boolean,
  renderer: TemplateRenderer = createTemplateRenderer(undefined, overrides),
): ProjectSyncReport | undefined {
  const report: ProjectSyncReport = { project, root, changed: [], diffs: new Map(), kept: [], problems: [], notes: [] };
  const recordPath = joinPathFragments(root, 'janus.json');
  const { json, problem } = parseJanusJson(tree.read(recordPath, 'utf8') ?? '', recordPath);
  if (!json) return { ...report, problems: [`${project}: ${problem}; nothing in ${root} was synced`] };
  if (!isRenderRecord(json)) return undefined;
  const record: RenderRecord = json;
  let files;
  try {
    files = renderProject(project, record, overrides, undefined, renderer);
  } catch (e) {
    return { ...report, problems: [`${project}: cannot render ${record.template} from ${recordPath}: ${(e as Error).message}; nothing in ${root} was synced`] };
  }
  const keptWhole = new Map<string, { hash: string; source: string }>();
  for (const file of files.filter((f) => f.regions.length || f.whole)) {
    const path = joinPathFragments(root, file.path);
    const current = tree.read(path, 'utf8');
    if (current === null) {
      report.notes.push(`${path}: missing; the templates render it, but sync does not bring back deleted files`);
      continue;
    }
    const recorded = record.managed?.[file.path];
    const result: FileSyncResult = file.whole
      ? syncWholeFile(path, current, file, recorded && 'whole' in recorded ? recorded.whole.hash : undefined, force)
      : syncRegions(path, current, file, force);
    report.problems.push(...result.problems.map((p) => `${path}:${p.line}: ${p.message}; the file was left untouched`));
    report.notes.push(...result.notes);
    for (const c of result.changed)
      report.changed.push(`${path}: ${c.partial} (+${c.added} -${c.removed})${c.forced ? ', replacing its owner’s edit (--force)' : ''}`);
    for (const c of result.conflicts) {
      report.kept.push({ where: `${path}:${c.line}: ${c.partial}`, diff: c.diff });
      if (file.whole && recorded && 'whole' in recorded) keptWhole.set(file.path, recorded.whole);
    }
    for (const e of result.edited) {
      report.kept.push({ where: `${path}:${e.line}: ${e.partial}` });
      if (file.whole && recorded && 'whole' in recorded) keptWhole.set(file.path, recorded.whole);
    }
    if (result.content !== undefined) tree.write(path, result.content);
  }
  // Only what the project has: a file the templates added later is not managed here until the project has it.
  const managed = managedRecord(files.filter((f) => tree.exists(joinPathFragments(root, f.path))));
  for (const [path, whole] of keptWhole) managed[path] = { whole };
  const next = formatRecord({ ...record, pluginVersion: PACKAGE_VERSION, managed });
  // By value: a formatter may lay the record out differently (prettier folds short arrays) without changing it.
  if (!sameJson(next, tree.read(recordPath, 'utf8'))) {
    tree.write(recordPath, next);
    report.changed.push(`${recordPath}: render record (plugin version, managed regions and their sources)`);
  }
  return report;
}

function sameJson(a: string, b: string | null): boolean {
  try {
    return b !== null && JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

function printReport(r: ProjectSyncReport, withProblems: boolean): void {
  if (!r.changed.length && !r.kept.length && !(withProblems && r.problems.length) && !r.notes.length) return;
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
export async function syncGenerator(tree: Tree, raw?: SyncGeneratorOptions) {
  const options = parseOptions(schema, raw ?? {}, SYNC_GENERATOR);
  const overrides = templateOverrides(tree);
  const renderer = createTemplateRenderer(undefined, overrides);
  const reports: ProjectSyncReport[] = [];
  for (const [name, project] of [...getProjects(tree)].sort(([a], [b]) => a.localeCompare(b))) {
    if (options.projects.length && !options.projects.includes(name)) continue;
    const recordPath = joinPathFragments(project.root, 'janus.json');
    if (!tree.exists(recordPath)) {
      if (looksRendered(tree, project.root, project.tags)) {
        reports.push({
          project: name,
          root: project.root,
          changed: [],
          diffs: new Map(),
          kept: [],
          notes: [],
          problems: [`${name}: ${recordPath} is missing, so janus cannot tell what ${project.root} was rendered from; nothing in it was synced`],
        });
      }
      continue;
    }
    // Every janus.json is checked against its schema (an invalid one fails the check, naming it); hand-written
    // ones (no template set, e.g. kind base-image) have nothing to render again and give no report.
    const report = syncProject(tree, name, project.root, overrides, options.force, renderer);
    if (report) reports.push(report);
  }
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
