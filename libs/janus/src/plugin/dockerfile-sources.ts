import type { Instruction } from 'dockerfile-ast';
import { DockerfileModel, instructionText } from '../executors/dockerfile-lint/lib/dockerfile-model';

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

/** The instruction's arguments as written, flags included (the parser's own views leave some flags out). */
function argumentsText(model: DockerfileModel, instruction: Instruction): string {
  return instructionText(model, instruction)
    .replace(/\\\n/g, ' ')
    .replace(/^\s*\w+\s+/, '')
    .trim();
}

function sourcesOf(raw: string): string[] {
  // Flags come first: --from=, --chown=, --chmod=, --link, --parents, --exclude=…
  const withoutFlags = raw.replace(/^(--[\w-]+(=("[^"]*"|\S+))?\s+)+/, '');
  let parts: string[];
  if (withoutFlags.startsWith('[')) {
    try {
      parts = JSON.parse(withoutFlags) as string[];
    } catch {
      parts = [];
    }
  } else {
    parts = withoutFlags.split(/\s+/).map((p) => p.replace(/^["']|["']$/g, ''));
  }
  // The last part is the destination; heredocs (`<<EOF`) carry their content inline.
  return parts.slice(0, -1).filter((p) => p && !p.startsWith('<<') && !REMOTE.test(p));
}

export function dockerfileSources(text: string, buildArgs: Record<string, string> = {}): DockerfileSources {
  const model = new DockerfileModel(text);
  Object.assign(model.globalArgs, buildArgs);
  const stageNames = new Set<string>();
  const baseImages: string[] = [];
  const contextSources: string[] = [];
  const unresolved: string[] = [];
  for (const stage of model.stages) {
    const image = model.resolve(stage.from.getImage() ?? '').trim();
    if (image && image.toLowerCase() !== 'scratch' && !stageNames.has(image.toLowerCase()) && !image.includes('$')) baseImages.push(image);
    if (stage.name) stageNames.add(stage.name.toLowerCase());
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword !== 'COPY' && keyword !== 'ADD') continue;
      const args = argumentsText(model, instruction);
      if (/^(--[\w-]+(=\S+)?\s+)*--from=/.test(args)) continue;
      for (const source of sourcesOf(args)) {
        const resolved = model.resolve(source, stage, instruction).trim();
        // An ARG without a default resolves to nothing here, but a build arg can name any file with it.
        (resolved.includes('$') || resolved === '' ? unresolved : contextSources).push(resolved || source);
      }
    }
  }
  return { baseImages: [...new Set(baseImages)], contextSources: [...new Set(contextSources)], unresolved };
}
