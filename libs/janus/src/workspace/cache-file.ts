import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes one of janus's cache files under Nx's workspace data whole or not at all (parallel processes each
 * rename their own complete file into place), and never fails its caller: a cache that could not be kept only
 * means the next run does the work again.
 */
export function writeCacheFile(file: string, content: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}`, content);
    renameSync(`${file}.${process.pid}`, file);
  } catch {
    // Only a cache.
  }
}
