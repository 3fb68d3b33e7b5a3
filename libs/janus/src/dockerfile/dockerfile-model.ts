import { type Dockerfile, DockerfileParser, type From, type Instruction } from 'dockerfile-ast';

export interface Stage {
  from: From;
  name?: string;
  instructions: Instruction[];
}

/**
 * The parsed Dockerfile in the shape the rules ask about: stages with their instructions, and variable
 * values as BuildKit would see them at each line (global ARG defaults, then the stage's ARG and ENV).
 */
export class DockerfileModel {
  readonly ast: Dockerfile;
  readonly globalArgs: Record<string, string> = {};
  readonly stages: Stage[] = [];

  constructor(readonly text: string) {
    this.ast = DockerfileParser.parse(text);
    let current: Stage | undefined;
    for (const instruction of this.ast.getInstructions()) {
      const keyword = instruction.getKeyword();
      if (keyword === 'FROM') {
        const from = instruction as From;
        current = { from, name: from.getBuildStage() ?? undefined, instructions: [] };
        this.stages.push(current);
      } else if (current) {
        current.instructions.push(instruction);
      } else if (keyword === 'ARG') {
        Object.assign(this.globalArgs, assignments(instruction));
      }
    }
  }

  get finalStage(): Stage | undefined {
    return this.stages.at(-1);
  }

  /** Every instruction with one of the keywords, in any stage, with the stage it belongs to. */
  find(...keywords: string[]): Array<{ stage: Stage; instruction: Instruction }> {
    return this.stages.flatMap((stage) => stage.instructions.filter((i) => keywords.includes(i.getKeyword())).map((instruction) => ({ stage, instruction })));
  }

  /** The final stage's instructions with that keyword. */
  findInFinal(keyword: string): Instruction[] {
    return this.finalStage?.instructions.filter((i) => i.getKeyword() === keyword) ?? [];
  }

  stageNames(): Set<string> {
    return new Set(this.stages.map((s) => s.name?.toLowerCase()).filter((n): n is string => Boolean(n)));
  }

  /** Substitutes `$VAR` / `${VAR}` / `${VAR:-default}` with the values known before `upTo` in `stage`. */
  resolve(text: string, stage?: Stage, upTo?: Instruction): string {
    const vars: Record<string, string> = { ...this.globalArgs };
    for (const instruction of stage?.instructions ?? []) {
      if (instruction === upTo) break;
      const keyword = instruction.getKeyword();
      if (keyword === 'ARG' || keyword === 'ENV') Object.assign(vars, assignments(instruction));
    }
    return text.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (m, a: string | undefined, dflt: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      return name in vars ? vars[name] : (dflt ?? m);
    });
  }
}

/** The instruction as written, flags included (the parser's argument views leave out `RUN --mount=…`). */
export function instructionText(model: DockerfileModel, instruction: Instruction): string {
  const { start, end } = instruction.getRange();
  return model.text
    .split('\n')
    .slice(start.line, end.line + 1)
    .join('\n');
}

/** `ARG A=1 B` / `ENV A=1 B=2` / legacy `ENV A 1` → { A: '1', ... } (names without a value map to ''). */
export function assignments(instruction: Instruction): Record<string, string> {
  const out: Record<string, string> = {};
  const withProps = instruction as unknown as {
    getProperties?: () => Array<{ getName(): string; getValue(): string | null }>;
    getProperty?: () => { getName(): string; getValue(): string | null } | null;
  };
  const props = withProps.getProperties?.() ?? (withProps.getProperty?.() ? [withProps.getProperty!()!] : []);
  for (const p of props) out[p.getName()] = (p.getValue() ?? '').replace(/^["']|["']$/g, '');
  return out;
}

export const APT_INSTALL = /\bapt(-get)?\s+(-\S+\s+)*install\b/;

export const lineOf = (instruction: Instruction): number => instruction.getRange().start.line + 1;
