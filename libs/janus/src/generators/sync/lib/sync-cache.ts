import type { Tree } from '@nx/devkit';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { PLUGIN_CODE_ID } from '../../../plugin/plugin-version';
import type { ProjectSyncReport } from './sync-project';
import { writeCacheFile } from '../../../workspace/cache-file';

/** The sync cache's file, under Nx's workspace data (next to the inference cache; `nx reset` removes it). */
export const SYNC_CACHE_FILE = 'janus-sync.json';
const FORMAT = 'janus-sync-1';

/** What a check printed for a project it found in step (owners' edits kept, notes), replayed on a hit. */
type KeptReport = Pick<ProjectSyncReport, 'kept' | 'notes'>;

interface Entry {
  /** Digest of everything the check read: the templates, the plugin, nx.json's plugins, janus.json, the managed files. */
  fingerprint: string;
  /** The managed files (project-relative) the check compared; a result depends on their content alone. */
  files: string[];
  /** Null for a hand-written janus.json, which gives no report. */
  report: KeptReport | null;
}

interface CacheFile {
  format: typeof FORMAT;
  key: string;
  /** The override folder (absolute) nx.json's plugin options named when the entries were made, if any. */
  overrides: string | null;
  projects: Record<string, Entry>;
}

/**
 * What is not a file in the templates: the plugin's code (its version, and a workspace build's digest), where
 * the plugin's templates are, the workspace, and nx.json's plugin entries (which hold the templatesDir override).
 */
export function syncCacheKey(pluginCodeId: string, workspaceRoot: string, templatesRoot: string, nxJsonText: string | null): string {
  let plugins: unknown = nxJsonText;
  try {
    plugins = (JSON.parse(nxJsonText ?? 'null') as { plugins?: unknown } | null)?.plugins ?? null;
  } catch {
    // Not JSON: the text itself is the key (the full check reports it).
  }
  return digest([FORMAT, pluginCodeId, workspaceRoot, templatesRoot, JSON.stringify(plugins)]);
}

function digest(parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${typeof part === 'string' ? 's' : 'b'}${part.length}:`).update(part);
  return hash.digest('hex');
}

/** Every file under a folder (names and contents, in a fixed order), or the fact that it is not a folder. */
function folderParts(dir: string): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  const walk = (rel: string): boolean => {
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return false;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.push(`${path}/`);
        walk(path);
      } else {
        out.push(path, readFileSync(join(dir, path)));
      }
    }
    return true;
  };
  return walk('') ? [dir, ...out] : [dir, '(not a folder)'];
}

/**
 * What `nx sync:check` already knows. A project whose last check left nothing to do (no change, no problem)
 * is kept under a fingerprint of all that check read: every file of the plugin's templates and of the
 * workspace's override folder (partials, set files, overlays), the plugin's code, nx.json's plugin entries,
 * the project's name, root and janus.json (template, options, plugin version, managed record), and the
 * current content of each managed file (so an owner's edit, a broken marker or a deleted file is a miss).
 * Rendering is a function of exactly these, so an unchanged fingerprint gives the same result; anything else
 * is checked in full. What that check printed (regions kept because their owner edited them) is kept too and
 * printed again. A corrupt cache file is discarded with one warning and rebuilt.
 */
export class SyncCache {
  private projects: Record<string, Entry> = {};
  private overrides: string | null = null;
  private templates = '';
  private readonly seen = new Set<string>();
  private dirty = false;
  hits = 0;
  misses = 0;

  constructor(
    private readonly file: string,
    private readonly tree: Tree,
    private readonly templatesRoot: string,
    warn: (message: string) => void,
    private readonly key = syncCacheKey(PLUGIN_CODE_ID, tree.root, templatesRoot, tree.read('nx.json', 'utf8')),
  ) {
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // None yet.
    }
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as Partial<CacheFile> | null;
        if (!parsed || typeof parsed !== 'object' || typeof parsed.format !== 'string') throw new Error('not a janus sync cache');
        if (parsed.format === FORMAT && (!parsed.projects || typeof parsed.projects !== 'object')) throw new Error('its projects are missing');
        // Another plugin build, other plugin options or another templates folder: nothing in it applies.
        if (parsed.format === FORMAT && parsed.key === this.key) {
          this.projects = parsed.projects!;
          this.overrides = typeof parsed.overrides === 'string' ? parsed.overrides : null;
        }
      } catch (e) {
        warn(`janus: discarding the sync cache ${file}, which cannot be read (${(e as Error).message}); checking every project again`);
      }
    }
    // Read before any project is rendered, so a template edited during the run makes the next run's digest differ.
    this.templates = this.templatesDigest();
  }

  private templatesDigest(): string {
    return digest([...folderParts(this.templatesRoot), ...(this.overrides ? folderParts(this.overrides) : ['(no overrides)'])]);
  }

  /** The override folder the rendering uses (the generator resolves it on its first miss, before rendering). */
  useOverrides(dir: string | undefined): void {
    if ((dir ?? null) === this.overrides) return;
    this.overrides = dir ?? null;
    this.templates = this.templatesDigest();
    this.projects = {}; // made with other overrides
  }

  private fingerprint(project: string, root: string, files: string[]): string {
    const read = (path: string) => this.tree.read(path) ?? '(missing)';
    const parts = [this.key, this.templates, project, root, read(posix.join(root, 'janus.json'))];
    for (const f of files) parts.push(f, read(posix.join(root, f)));
    return digest(parts);
  }

  /** A project's kept result (its report, or null for a hand-written janus.json) when nothing it depends on changed. */
  lookup(project: string, root: string): { report: KeptReport | null } | undefined {
    const entry = this.projects[project];
    // A hand-edited entry of the wrong shape is a miss like any other, never a failed check.
    if (!entry || typeof entry.fingerprint !== 'string' || !Array.isArray(entry.files) || (entry.report !== null && typeof entry.report !== 'object')) {
      this.misses++;
      return undefined;
    }
    if (!entry.files.every((f) => typeof f === 'string') || this.fingerprint(project, root, entry.files) !== entry.fingerprint) {
      this.misses++;
      return undefined;
    }
    this.seen.add(project);
    this.hits++;
    return { report: entry.report && { kept: entry.report.kept ?? [], notes: entry.report.notes ?? [] } };
  }

  /** Keeps a full check's result when it left nothing to do; forgets the project otherwise. */
  remember(project: string, root: string, report: ProjectSyncReport | undefined): void {
    this.dirty = true;
    if (report && (report.changed.length || report.problems.length)) {
      delete this.projects[project];
      return;
    }
    const files = report?.managedFiles ?? [];
    this.projects[project] = {
      fingerprint: this.fingerprint(project, root, files),
      files,
      report: report ? { kept: report.kept, notes: report.notes } : null,
    };
    this.seen.add(project);
  }

  /** Writes the cache (atomically) when a project was checked in full; `prune` drops projects not seen this run. */
  save(prune: boolean): void {
    const gone = prune ? Object.keys(this.projects).filter((p) => !this.seen.has(p)) : [];
    if (!this.dirty && !gone.length) return;
    for (const p of gone) delete this.projects[p];
    const content: CacheFile = { format: FORMAT, key: this.key, overrides: this.overrides, projects: this.projects };
    // Only a cache: if it cannot be kept, the next check renders again.
    writeCacheFile(this.file, JSON.stringify(content));
  }
}
