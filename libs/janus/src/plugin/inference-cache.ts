import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeCacheFile } from '../workspace/cache-file';

/**
 * What one project's inference read, workspace-relative: files whose content it used, directories whose names
 * it listed (walked recursively when recorded, as the build context is), and trees whose every file and folder
 * count (the templates). Contents of context files never reach the inferred targets (only their names do), so
 * a changed source file costs a warm graph nothing.
 */
export interface InferenceReads {
  files: string[];
  listings: string[];
  trees: string[];
}

export const noReads = (): InferenceReads => ({ files: [], listings: [], trees: [] });

interface Entry {
  /** Files and directories stat'ed to tell the entry is still good (listings expanded to their directories). */
  paths: string[];
  /** Shared trees (templates): stat'ed once per graph computation however many projects read them. */
  trees: string[];
  /** Four numbers per path, as `paths` had them when the entry was made. */
  stamp: number[];
  result: unknown;
}

interface CacheFile {
  format: typeof FORMAT;
  key: string;
  trees: Record<string, { paths: string[]; stamp: number[] }>;
  /** Every distinct target configuration once; in `entries`, a target is its index here (see `compact`). */
  targets: unknown[];
  entries: Record<string, Entry>;
}

const FORMAT = 'janus-inference-3';
const GONE = [-1, -1, -1, -1];

/**
 * The plugin's inference cache: one file under Nx's workspace data, read once per graph computation and written
 * only when something changed. An entry is good while every file and folder its inference read has the stat it
 * had then (inode, size, mtime, ctime: what git's index trusts; ctime no tool can set back, and a folder's
 * changes whenever an entry is added, removed or renamed in it), so an unchanged project costs a few stat calls
 * and a map lookup, not a re-read or a hash of its files. `key` covers what is not a file: the options, the
 * plugin's version, the Nx version, the environment inference reads.
 */
export class InferenceCache {
  private entries: Record<string, Entry> = {};
  private trees: CacheFile['trees'] = {};
  private targets: unknown[] = [];
  private readonly used = new Set<string>();
  private changed = false;
  /** Whether the file held entries for this very key (the options, plugin and Nx were seen before). */
  readonly sameKey: boolean = false;
  private readonly stats = new Map<string, number[]>();
  private readonly treeOk = new Map<string, boolean>();

  constructor(
    private readonly file: string,
    private readonly key: string,
    private readonly workspaceRoot: string,
    warn: (message: string) => void,
  ) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      this.changed = true; // none yet
      return;
    }
    try {
      const parsed = JSON.parse(text) as Partial<CacheFile> | null;
      if (!parsed || typeof parsed !== 'object' || typeof parsed.format !== 'string') throw new Error('not a janus inference cache');
      if (
        parsed.format === FORMAT &&
        (typeof parsed.entries !== 'object' || typeof parsed.trees !== 'object' || !parsed.entries || !parsed.trees || !Array.isArray(parsed.targets))
      )
        throw new Error('its entries are missing');
      if (parsed.format === FORMAT && parsed.key === key) {
        this.entries = parsed.entries!;
        this.trees = parsed.trees!;
        this.targets = parsed.targets!;
        this.sameKey = true;
      } else this.changed = true; // another janus, other options or another Nx: nothing in it applies
    } catch (e) {
      this.changed = true;
      warn(`janus: discarding the inference cache ${file}, which cannot be read (${(e as Error).message}); inferring every project again`);
    }
  }

  /** One path's stat (inode, size, mtime, ctime), or GONE; each path is stat'ed once per graph computation. */
  private stat(path: string): number[] {
    let s = this.stats.get(path);
    if (s === undefined) {
      const st = statSync(join(this.workspaceRoot, path), { throwIfNoEntry: false });
      s = st ? [st.ino, st.size, st.mtimeMs, st.ctimeMs] : GONE;
      this.stats.set(path, s);
    }
    return s;
  }

  /** Whether a workspace file exists, through the same stats the entries are checked with. */
  exists(path: string): boolean {
    return this.stat(path) !== GONE;
  }

  private stamp(paths: string[]): number[] {
    return paths.flatMap((p) => this.stat(p));
  }

  private unchanged(paths: string[], stamp: number[]): boolean {
    if (stamp.length !== paths.length * 4) return false;
    for (let i = 0; i < paths.length; i++) {
      const s = this.stat(paths[i]);
      for (let j = 0; j < 4; j++) if (s[j] !== stamp[i * 4 + j]) return false;
    }
    return true;
  }

  private treeUnchanged(root: string): boolean {
    let ok = this.treeOk.get(root);
    if (ok === undefined) {
      const tree = this.trees[root];
      ok = Array.isArray(tree?.paths) && Array.isArray(tree.stamp) && this.unchanged(tree.paths, tree.stamp);
      this.treeOk.set(root, ok);
    }
    return ok;
  }

  /** The result kept for `id`, if everything its inference read is as it was. */
  get(id: string): unknown {
    const entry = this.entries[id];
    // A hand-edited entry of the wrong shape is a miss like any other, never a failed graph.
    if (!entry || !Array.isArray(entry.trees) || !Array.isArray(entry.paths) || !Array.isArray(entry.stamp)) return undefined;
    if (!entry.trees.every((t) => this.treeUnchanged(t)) || !this.unchanged(entry.paths, entry.stamp)) return undefined;
    const result = expand(entry.result, this.targets);
    if (result === undefined) return undefined;
    // Kept expanded: an entry used again is written back through `compact`, which finds its targets by identity.
    entry.result = result;
    this.used.add(id);
    return result;
  }

  /** Keeps a fresh result with what its inference read (stat'ed now, after the reads). */
  set(id: string, reads: InferenceReads, result: unknown): void {
    for (const t of reads.trees) {
      if (!this.treeUnchanged(t)) {
        const paths = walk(this.workspaceRoot, t, true);
        this.trees[t] = { paths, stamp: this.stamp(paths) };
        this.treeOk.set(t, true);
      }
    }
    const listed = reads.listings.flatMap((d) => walk(this.workspaceRoot, d, false));
    const dirs = new Set(listed);
    // A missing file in a listed folder needs no stat of its own: creating it changes the folder's.
    const files = reads.files.filter((f) => this.exists(f) || !dirs.has(dirname(f) || '.'));
    const paths = [...new Set([...files, ...listed])];
    this.entries[id] = { paths, trees: reads.trees, stamp: this.stamp(paths), result };
    this.used.add(id);
    this.changed = true;
  }

  /** Writes the cache when an entry was added or one is no longer used (its Dockerfile gone); atomically. */
  save(): void {
    const unused = Object.keys(this.entries).filter((id) => !this.used.has(id));
    if (!this.changed && !unused.length) return;
    for (const id of unused) delete this.entries[id];
    const treesUsed = new Set(Object.values(this.entries).flatMap((e) => e.trees));
    const trees = Object.fromEntries(Object.entries(this.trees).filter(([t]) => treesUsed.has(t)));
    const targets: unknown[] = [];
    const byObject = new Map<unknown, number>();
    const byJson = new Map<string, number>();
    const entries = Object.fromEntries(Object.entries(this.entries).map(([id, e]) => [id, { ...e, result: compact(e.result, targets, byObject, byJson) }]));
    const content: CacheFile = { format: FORMAT, key: this.key, trees, targets, entries };
    // Only a cache: if it cannot be kept, the next graph computation infers again.
    writeCacheFile(this.file, JSON.stringify(content));
  }
}

type InferredResult = { projects: Record<string, { targets?: Record<string, unknown> }> };

const hasProjects = (result: unknown): result is InferredResult =>
  typeof result === 'object' && result !== null && !Array.isArray(result) && typeof (result as InferredResult).projects === 'object';

/**
 * A result as the file keeps it: each target configuration replaced by its index in `targets`, where every
 * distinct one is kept once (most of a project's targets are the same in every project, so the file, which a warm
 * graph computation parses whole, is about half the size). Targets met before by identity (a cache hit's, which
 * `expand` shared) cost a map lookup; fresh ones are told apart by their JSON.
 */
function compact(result: unknown, targets: unknown[], byObject: Map<unknown, number>, byJson: Map<string, number>): unknown {
  if (!hasProjects(result)) return result;
  const index = (target: unknown): number => {
    let i = byObject.get(target);
    if (i === undefined) {
      const json = JSON.stringify(target);
      i = byJson.get(json);
      if (i === undefined) {
        i = targets.push(target) - 1;
        byJson.set(json, i);
      }
      byObject.set(target, i);
    }
    return i;
  };
  const projects = Object.fromEntries(
    Object.entries(result.projects).map(([root, p]) => [
      root,
      p.targets ? { ...p, targets: Object.fromEntries(Object.entries(p.targets).map(([name, t]) => [name, index(t)])) } : p,
    ]),
  );
  return { ...result, projects };
}

/**
 * A kept result with its targets back from the shared table; the projects share those objects (nothing in the
 * plugin or in Nx, which copies while it merges, writes into a target it was given). Undefined when an index
 * is not in the table (a hand-edited file): a miss like any other.
 */
function expand(result: unknown, targets: unknown[]): unknown {
  if (!hasProjects(result)) return result;
  const projects: InferredResult['projects'] = {};
  for (const [root, p] of Object.entries(result.projects)) {
    if (!p || typeof p.targets !== 'object' || p.targets === null) {
      projects[root] = p;
      continue;
    }
    const expanded: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(p.targets)) {
      const target = typeof t === 'number' ? targets[t] : t;
      if (typeof target !== 'object' || target === null) return undefined;
      expanded[name] = target;
    }
    projects[root] = { ...p, targets: expanded };
  }
  return { ...result, projects };
}

/** A folder and every folder under it (and with `files`, every file), workspace-relative; `.git` never counts. */
function walk(workspaceRoot: string, dir: string, files: boolean): string[] {
  const out: string[] = [dir];
  const visit = (rel: string) => {
    let entries;
    try {
      entries = readdirSync(join(workspaceRoot, rel), { withFileTypes: true });
    } catch {
      return; // gone or unreadable: its stat ('-' or its mode) is what counts
    }
    for (const e of entries) {
      if (e.name === '.git') continue;
      const path = rel === '.' || rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        out.push(path);
        visit(path);
      } else if (files) out.push(path);
    }
  };
  visit(dir);
  return out;
}
