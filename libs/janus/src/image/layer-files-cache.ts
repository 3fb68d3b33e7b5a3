import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerFiles } from './layer-paths';
import { writeCacheFile } from '../workspace/cache-file';

/** How many of a layer's files are kept: the summary shows the three largest. */
const FILES_KEPT = 5;
/** Entries kept, newest last: a few hundred layers is every image a workspace builds, many times over. */
const ENTRIES_KEPT = 500;

type Entry = { createdBy: string; size: number; files: Array<[string, number]> };

export function layerFilesCachePath(workspaceRoot: string): string {
  return join(workspaceRoot, '.nx', 'workspace-data', 'janus-layer-files.json');
}

/**
 * What each layer an earlier build listed holds (the step that made it, its size, its largest files), by the
 * layer's diff id. A diff id is the digest of the layer's content, so an entry is never stale: the build
 * summary of an image whose layers were all listed before needs no `docker save` of the whole image, which
 * costs seconds for a large base layer. A damaged file is read as empty and rewritten: it only saves work.
 */
export class LayerFilesCache {
  private entries: Record<string, Entry>;

  constructor(private readonly file: string) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      this.entries = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, Entry>) : {};
    } catch {
      this.entries = {};
    }
  }

  /** Each layer's listing, or undefined where none was kept. */
  lookup(diffIds: string[]): Array<LayerFiles | undefined> {
    return diffIds.map((id) => {
      const e = this.entries[id];
      if (!e || typeof e.size !== 'number' || !Array.isArray(e.files)) return undefined;
      return { createdBy: String(e.createdBy ?? ''), size: e.size, files: new Map(e.files) };
    });
  }

  /** Keeps the listings of an image's layers (diff ids in the same order), the oldest entries dropped first. */
  store(diffIds: string[], layers: LayerFiles[]): void {
    diffIds.forEach((id, i) => {
      const l = layers[i];
      if (!l) return;
      delete this.entries[id];
      const files = [...l.files].sort((a, b) => b[1] - a[1]).slice(0, FILES_KEPT);
      this.entries[id] = { createdBy: l.createdBy, size: l.size, files };
    });
    const ids = Object.keys(this.entries);
    for (const id of ids.slice(0, Math.max(0, ids.length - ENTRIES_KEPT))) delete this.entries[id];
    // Only a shortcut for the next summary: a build never fails because it could not be kept.
    writeCacheFile(this.file, JSON.stringify(this.entries));
  }
}
