import type { Flag, Instruction } from 'dockerfile-ast';
import { posix } from 'node:path';
import { DockerfileModel, pathArguments } from '../dockerfile/dockerfile-model';

/** What a Dockerfile reads from outside itself: the images its stages start from and the context paths it copies. */
export interface DockerfileSources {
  /** Each stage's base image with ARG defaults resolved; earlier stage names and `scratch` are left out. */
  baseImages: string[];
  /** COPY/ADD sources from the build context, as written after variable substitution (never `--from` copies). */
  contextSources: string[];
  /** Sources that still hold a variable only a build arg can fill: they may name any file of the context. */
  unresolved: string[];
}

const REMOTE = /^(https?:\/\/|git@|git:\/\/)/i;

const copiesFromElsewhere = (instruction: Instruction) =>
  ((instruction as Instruction & { getFlags?: () => Flag[] }).getFlags?.() ?? []).some((f) => f.getName() === 'from');

/** Read through the one Dockerfile model the linter and base-image resolution use too. */
export function dockerfileSources(text: string, buildArgs: Record<string, string> = {}): DockerfileSources {
  const model = new DockerfileModel(text, { buildArgs });
  const baseImages = new Set<string>();
  const contextSources = new Set<string>();
  const unresolved: string[] = [];
  for (const stage of model.stages) {
    if (!stage.parent && stage.image && stage.image.toLowerCase() !== 'scratch' && !stage.image.includes('$')) baseImages.add(stage.image);
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if ((keyword !== 'COPY' && keyword !== 'ADD') || copiesFromElsewhere(instruction)) continue;
      // The last path is the destination; heredocs (`<<EOF`) carry their content inline.
      for (const source of pathArguments(instruction).slice(0, -1)) {
        if (!source || source.startsWith('<<') || REMOTE.test(source)) continue;
        const resolved = model.resolve(source, stage, instruction).trim();
        // An ARG without a default is unknown here, but a build arg can name any file with it.
        if (resolved.includes('$') || resolved === '') unresolved.push(source);
        else contextSources.add(resolved);
      }
    }
  }
  return { baseImages: [...baseImages], contextSources: [...contextSources], unresolved };
}

/**
 * The workspace paths (git pathspecs) an image's content comes from: the Dockerfile, the context's .dockerignore
 * and each COPY/ADD source in the context; the whole context when a source only a build arg fills. Whether these
 * are dirty decides a build's tags, so a README in the context that no COPY reads, edited, still builds (and
 * caches) as the clean commit: the image is byte for byte the commit's. Paths, not a file list, so a deleted
 * source counts too.
 */
export function imagePathspecs(contextDir: string, dockerfile: string, sources: Pick<DockerfileSources, 'contextSources' | 'unresolved'>): string[] {
  const context = contextDir === '' ? '.' : contextDir;
  if (sources.unresolved.length) return [context, dockerfile];
  const inContext = sources.contextSources
    .map((s) => posix.normalize(s.replace(/^\/+/, '')).replace(/\/+$/, ''))
    .filter((s) => s !== '..' && !s.startsWith('../'))
    .map((s) => (s === '.' || s === '' ? context : posix.join(context, s)));
  return [...new Set([dockerfile, posix.join(context, '.dockerignore'), ...inContext])];
}
