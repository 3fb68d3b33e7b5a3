import createIgnore from '@balena/dockerignore';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { minimatch } from 'minimatch';

export interface ContextFiles {
  /** Context-relative paths of the files the build can read: sent by the client (after .dockerignore) and named by a COPY/ADD. */
  files: string[];
  problems: string[];
}

/** Every file under the context, as context-relative posix paths; `.git` is never part of a build. */
export function listContext(contextDir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(contextDir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== '.git') walk(path);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        out.push(path);
      }
    }
  };
  walk('');
  return out.sort();
}

/** Docker's own matcher semantics for .dockerignore (exceptions with `!` included), through @balena/dockerignore. */
export function dockerignoreFilter(contextDir: string, dockerignorePath = join(contextDir, '.dockerignore')): (paths: string[]) => string[] {
  if (!existsSync(dockerignorePath)) return (paths) => paths;
  const ig = createIgnore({}).add(readFileSync(dockerignorePath, 'utf8').split('\n'));
  return (paths) => ig.filter(paths);
}

/** Whether a COPY source (a path, a directory or a Go-style glob) reads the file. */
function sourceReads(source: string, file: string): boolean {
  if (source === '' || source === '.') return true;
  if (file === source || file.startsWith(`${source}/`)) return true;
  if (!/[*?[]/.test(source)) return false;
  // A glob matches the file itself or one of its parent directories (then the whole directory is copied).
  const parts = file.split('/');
  for (let i = 1; i <= parts.length; i++) if (minimatch(parts.slice(0, i).join('/'), source, { dot: true })) return true;
  return false;
}

/**
 * The files of a build context that a build can read: those its COPY/ADD sources name, of those the client
 * sends after .dockerignore. A source that holds an unresolved variable may name anything, so it counts as
 * the whole context. A source outside the context is a problem BuildKit would fail on too.
 */
export function contextFilesRead(contextDir: string, sources: string[], unresolved: string[], dockerignorePath?: string): ContextFiles {
  const problems: string[] = [];
  const normalized: string[] = [];
  for (const source of sources) {
    const clean = posix.normalize(source.replace(/^\/+/, ''));
    if (clean === '..' || clean.startsWith('../')) problems.push(`COPY/ADD of ${JSON.stringify(source)} reads outside the build context`);
    else normalized.push(clean.replace(/\/+$/, ''));
  }
  const sent = dockerignoreFilter(contextDir, dockerignorePath)(listContext(contextDir));
  const files = unresolved.length ? sent : sent.filter((f) => normalized.some((s) => sourceReads(s, f)));
  return { files, problems };
}
