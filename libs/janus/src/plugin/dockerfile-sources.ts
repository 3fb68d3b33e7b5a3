import type { Flag, Instruction } from 'dockerfile-ast';
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
