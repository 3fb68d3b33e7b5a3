import { getProjects, joinPathFragments, logger, type Tree } from '@nx/devkit';
import { expand, parseRegions, type Region, regionPlaceholder, serialize } from '../../rendering/managed-regions';
import { type ManagedFile, renderRecordSchema } from '../../rendering/janus-json';
import { formatRecord, managedRecord, PACKAGE_VERSION, renderProject } from '../../rendering/render-record';
import { createTemplateRenderer } from '../../rendering/template-renderer';
import { templateOverrides } from '../../rendering/template-overrides';

/** A region's text as a file without markers holds it: its own lines with its nested regions' text in place. */
function plain(region: Region): string {
  return expand(region.own, (p) => plain(region.children.find((c) => c.partial === p)!));
}

/**
 * Wraps each region of a fresh rendering in its markers where the file still holds exactly that text, once and
 * at a line start; a region not found so (edited, or rendered from older templates) is tried part by part through
 * its nested regions, and is otherwise left unmanaged.
 */
export function placeRegions(text: string, regions: Region[]): { text: string; placed: string[]; missing: string[] } {
  const placed: string[] = [];
  const missing: string[] = [];
  const all = (r: Region): string[] => [r.partial, ...r.children.flatMap(all)];
  const place = (current: string, list: Region[]): string => {
    for (const r of list) {
      const body = plain(r);
      const at = current.indexOf(body);
      if (body && at >= 0 && current.indexOf(body, at + 1) < 0 && (at === 0 || current[at - 1] === '\n')) {
        current = current.slice(0, at) + serialize({ own: regionPlaceholder(r.partial), children: [r] }) + current.slice(at + body.length);
        placed.push(...all(r));
      } else {
        missing.push(r.partial);
        current = place(current, r.children);
      }
    }
    return current;
  };
  return { text: place(text, regions), placed, missing };
}

/**
 * janus 0.2.0: files rendered before managed regions get their markers, where their text is still what the
 * templates render, so `nx sync` can manage them from now on; janus.json records what is managed.
 */
export default async function addManagedRegions(tree: Tree) {
  let overrides;
  try {
    overrides = templateOverrides(tree);
  } catch (e) {
    logger.warn(`janus migration: ${(e as Error).message}; no markers were added`);
    return;
  }
  const renderer = createTemplateRenderer(undefined, overrides);
  for (const [name, project] of getProjects(tree)) {
    const recordPath = joinPathFragments(project.root, 'janus.json');
    if (!tree.exists(recordPath)) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(tree.read(recordPath, 'utf8')!);
    } catch {
      continue;
    }
    const parsed = renderRecordSchema.safeParse(raw);
    if (!parsed.success || parsed.data.managed) continue;
    let files;
    try {
      files = renderProject(name, parsed.data, overrides, undefined, renderer);
    } catch (e) {
      logger.warn(`janus migration: ${name}: ${(e as Error).message}; no markers were added`);
      continue;
    }
    const managed: Record<string, ManagedFile> = {};
    const unmanaged: string[] = [];
    for (const [path, entry] of Object.entries(managedRecord(files))) {
      const file = joinPathFragments(project.root, path);
      const current = tree.read(file, 'utf8');
      if (current === null) continue;
      if ('whole' in entry) {
        managed[path] = entry;
        continue;
      }
      const existing = parseRegions(path, current);
      const fresh = parseRegions(path, files.find((f) => f.path === path)!.content);
      if (!existing.ok || !fresh.ok) continue;
      // A file that already carries its markers (added by hand, or rendered by a later template) is managed as it is.
      if (existing.children.length) {
        managed[path] = entry;
        continue;
      }
      const { text, placed, missing } = placeRegions(current, fresh.children);
      if (placed.length) {
        tree.write(file, text);
        managed[path] = { regions: Object.fromEntries(Object.entries(entry.regions).filter(([p]) => placed.includes(p))) };
      }
      unmanaged.push(...missing.filter((p) => !placed.includes(p)).map((p) => `${file}: ${p}`));
    }
    tree.write(recordPath, formatRecord({ ...parsed.data, pluginVersion: PACKAGE_VERSION, managed }));
    if (unmanaged.length) {
      logger.warn(
        `janus migration: ${name}: these differ from what the templates render now, so they stay unmanaged (regenerate, or add the markers by hand): ${unmanaged.join(', ')}`,
      );
    }
  }
}
