import { joinPathFragments, type Tree } from '@nx/devkit';
import { isRenderRecord, parseJanusJson, type RenderRecord } from '../../../rendering/janus-json';
import { formatRecord, managedRecord, PACKAGE_VERSION, renderProject } from '../../../rendering/render-record';
import { createTemplateRenderer, type TemplateOverrides, type TemplateRenderer } from '../../../rendering/template-renderer';
import { type FileSyncResult, syncRegions, syncWholeFile } from './sync-file';

// One project's sync: the rendering and the comparison with its files. Loaded by the generator on the first
// project its cache cannot vouch for (sync-cache.ts), so a check with nothing changed loads no template engine.

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
  /** The project's managed files (project-relative) whose content the comparison read: what a cached result depends on. */
  managedFiles?: string[];
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
  const managedFiles = files.filter((f) => f.regions.length || f.whole);
  report.managedFiles = managedFiles.map((f) => f.path);
  for (const file of managedFiles) {
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
