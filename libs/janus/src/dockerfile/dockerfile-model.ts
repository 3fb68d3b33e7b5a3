import { type Dockerfile, DockerfileParser, type Flag, type From, type Instruction } from 'dockerfile-ast';
import { shellCommands, shellTokens } from './shell-words';

export interface Stage {
  /** 0-based position among the stages, as `COPY --from=<n>` counts them. */
  index: number;
  from: From;
  name?: string;
  /** The FROM image with global ARGs substituted: an external image, or the name of `parent`. */
  image: string;
  /** The earlier stage this one is built FROM, whose image config (USER, ENV, HEALTHCHECK…) it starts with. */
  parent?: Stage;
  instructions: Instruction[];
}

export interface ModelOptions {
  /** `--build-arg` values: they override the defaults of the ARGs they name, as BuildKit applies them. */
  buildArgs?: Record<string, string>;
  /**
   * What a variable nobody set becomes. A build knows every build arg, so BuildKit's empty string is right
   * there; a linter does not, so it keeps `$VAR` and the rules can say they cannot judge it.
   */
  unsetVariables?: 'keep' | 'empty';
}

/** An instruction together with the stage that wrote it (which may be an ancestor of the one asked about). */
export interface Located {
  stage: Stage;
  instruction: Instruction;
}

/**
 * The parsed Dockerfile in the shape its readers ask about: stages with their instructions and the stage each
 * is built FROM, and variable values as BuildKit would see them at each line.
 */
export class DockerfileModel {
  readonly ast: Dockerfile;
  /** Global ARGs (before the first FROM): their defaults, or the build arg that overrides them. */
  readonly globalArgs: Record<string, string> = {};
  readonly stages: Stage[] = [];
  /** Instructions before the first FROM, parser directives aside. */
  readonly preamble: Instruction[] = [];
  private readonly buildArgs: Record<string, string>;
  private readonly unsetVariables: 'keep' | 'empty';

  constructor(
    readonly text: string,
    options: ModelOptions = {},
  ) {
    this.buildArgs = options.buildArgs ?? {};
    this.unsetVariables = options.unsetVariables ?? 'keep';
    this.ast = DockerfileParser.parse(text);
    let current: Stage | undefined;
    for (const instruction of this.ast.getInstructions()) {
      if (instruction.getKeyword() === 'FROM') {
        current = this.addStage(instruction as From);
      } else if (current) {
        current.instructions.push(instruction);
      } else {
        this.preamble.push(instruction);
        if (instruction.getKeyword() === 'ARG') {
          for (const [name, value] of declarations(instruction)) {
            const given = this.buildArgs[name] ?? (value === undefined ? undefined : this.substitute(value, this.globalArgs));
            if (given !== undefined) this.globalArgs[name] = given;
          }
        }
      }
    }
  }

  private addStage(from: From): Stage {
    // FROM sees only global ARGs, and only earlier stages can be built on.
    const image = this.substitute((from.getImage() ?? '').trim(), this.globalArgs);
    const parent = this.stages.find((s) => s.name?.toLowerCase() === image.toLowerCase());
    const stage: Stage = { index: this.stages.length, from, name: from.getBuildStage() ?? undefined, image, parent, instructions: [] };
    this.stages.push(stage);
    return stage;
  }

  get finalStage(): Stage | undefined {
    return this.stages.at(-1);
  }

  /** The stage `--target` names (case-insensitive, as BuildKit matches it). */
  stageNamed(name: string): Stage | undefined {
    return this.stages.find((s) => s.name?.toLowerCase() === name.toLowerCase());
  }

  /** The stage, then the stage it is built FROM, and so on up to the one built on an external image. */
  ancestry(stage: Stage): Stage[] {
    const chain: Stage[] = [];
    for (let s: Stage | undefined = stage; s; s = s.parent) chain.push(s);
    return chain;
  }

  /** The external image (or `scratch`) at the root of the stage's ancestry. */
  baseImage(stage: Stage): string {
    return this.ancestry(stage).at(-1)!.image;
  }

  /** Every instruction with one of the keywords, in any stage. */
  find(...keywords: string[]): Located[] {
    return this.findIn(this.stages, keywords);
  }

  /** Every instruction with one of the keywords in the stage and those it is built FROM, nearest first. */
  findInAncestry(stage: Stage, ...keywords: string[]): Located[] {
    return this.findIn(this.ancestry(stage), keywords);
  }

  /**
   * The instruction that sets a config value (USER, HEALTHCHECK, CMD…) for the stage: its own last one, or
   * else the one it inherits from the stage it is built FROM.
   */
  effective(stage: Stage, keyword: string): Located | undefined {
    for (const s of this.ancestry(stage)) {
      const own = s.instructions.filter((i) => i.getKeyword() === keyword).at(-1);
      if (own) return { stage: s, instruction: own };
    }
    return undefined;
  }

  private findIn(stages: Stage[], keywords: string[]): Located[] {
    return stages.flatMap((stage) => stage.instructions.filter((i) => keywords.includes(i.getKeyword())).map((instruction) => ({ stage, instruction })));
  }

  /**
   * Substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}` with the
   * values BuildKit knows before `upTo` in `stage`: ENV inherited from the stages it is built on, then the
   * stage's own ARGs and ENVs. Without a stage, only global ARGs (what FROM sees).
   */
  resolve(text: string, stage?: Stage, upTo?: Instruction): string {
    return this.substitute(text, stage ? this.variablesAt(stage, upTo) : this.globalArgs);
  }

  private variablesAt(stage: Stage, upTo?: Instruction): Record<string, string> {
    // ENV is part of the image config, so a child stage starts with it; ARGs end with their stage.
    const env: Record<string, string> = stage.parent ? this.envAtEnd(stage.parent) : {};
    const args: Record<string, string> = {};
    for (const instruction of stage.instructions) {
      if (instruction === upTo) break;
      const keyword = instruction.getKeyword();
      if (keyword !== 'ARG' && keyword !== 'ENV') continue;
      for (const [name, value] of declarations(instruction)) {
        const known = { ...args, ...env };
        if (keyword === 'ENV') env[name] = this.substitute(value ?? '', known);
        else {
          // A stage's `ARG NAME` without a value takes the global default (or the build arg).
          const given = this.buildArgs[name] ?? (value === undefined ? this.globalArgs[name] : this.substitute(value, known));
          if (given !== undefined) args[name] = given;
        }
      }
    }
    // ENV wins over an ARG of the same name, as BuildKit documents.
    return { ...args, ...env };
  }

  private envAtEnd(stage: Stage): Record<string, string> {
    const vars = this.variablesAt(stage);
    const env: Record<string, string> = stage.parent ? this.envAtEnd(stage.parent) : {};
    for (const instruction of stage.instructions.filter((i) => i.getKeyword() === 'ENV')) {
      for (const [name] of declarations(instruction)) env[name] = vars[name];
    }
    return env;
  }

  private substitute(text: string, vars: Record<string, string>): string {
    return text.replace(
      /\$\{(\w+)(?:(:?[-+])([^}]*))?\}|\$(\w+)/g,
      (whole, braced: string | undefined, op: string | undefined, word = '', bare: string | undefined) => {
        const name = (braced ?? bare)!;
        const value = vars[name];
        const set = value !== undefined && (value !== '' || !op?.startsWith(':'));
        if (op?.endsWith('-')) return set ? value : word;
        if (op?.endsWith('+')) return set ? word : '';
        if (value !== undefined) return value;
        return this.unsetVariables === 'empty' ? '' : whole;
      },
    );
  }

  /** The instruction as written, flags included (the parser's argument views leave out `RUN --mount=…`). */
  textOf(instruction: Instruction): string {
    const { start, end } = instruction.getRange();
    return this.text
      .split('\n')
      .slice(start.line, end.line + 1)
      .join('\n');
  }
}

/**
 * The source and destination paths of an ADD or COPY as BuildKit reads them: JSON form, or words with their
 * quotes removed (`ADD "app.tgz" /x` adds app.tgz), flags such as `--chown` left out.
 */
export function pathArguments(instruction: Instruction): string[] {
  const args = (instruction.getArgumentsContent() ?? '').replace(/^(\s*--\S+)*\s*/, '');
  // Parsed here rather than through the parser's JSON view, which drops the spaces inside "a b".
  return jsonList(args) ?? shellTokens(args).flatMap((t) => ('word' in t ? [t.word] : []));
}

/**
 * The simple commands a RUN executes, each as its words. Shell form (heredocs included) is split as the shell
 * would; exec form is one command, or the script of an `["sh", "-c", "…"]`.
 */
export function runCommands(instruction: Instruction): string[][] {
  const args = (instruction.getArgumentsContent() ?? '').replace(/^(\s*--\S+)*\s*/, '');
  const exec = jsonList(args);
  if (!exec) return shellCommands(args);
  const [program, flag, script] = exec;
  return /(^|\/)(ba|da)?sh$/.test(program ?? '') && flag === '-c' && script !== undefined ? shellCommands(script) : [exec];
}

export interface RunMount {
  /** BuildKit's default is a bind mount. */
  type: string;
  target: string;
}

/** The `RUN --mount=…` flags, with the target spelled any of the ways BuildKit accepts. */
export function runMounts(instruction: Instruction): RunMount[] {
  const flags = (instruction as Instruction & { getFlags?: () => Flag[] }).getFlags?.() ?? [];
  return flags
    .filter((f) => f.getName() === 'mount')
    .map((f) => {
      const option = (...names: string[]) =>
        f
          .getOptions()
          .find((o) => names.includes(o.getName()))
          ?.getValue() ?? undefined;
      return { type: option('type') ?? 'bind', target: option('target', 'dst', 'destination') ?? '' };
    });
}

/** A JSON array of strings, as exec form and JSON-form ADD/COPY write it; null for anything else. */
function jsonList(text: string): string[] | null {
  if (!text.startsWith('[')) return null;
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) && list.every((v) => typeof v === 'string') ? list : null;
  } catch {
    // Not valid JSON: BuildKit then reads the line as shell words, and so do callers.
    return null;
  }
}

/** How messages name a stage: `"builder"`, or `#0` for an unnamed one. */
export const stageLabel = (stage: Stage): string => (stage.name ? JSON.stringify(stage.name) : `#${stage.index}`);

/** `ARG A=1 B` / `ENV A=1 B=2` / legacy `ENV A 1` → [['A', '1'], ['B', undefined]] (no value: undefined). */
export function declarations(instruction: Instruction): Array<[string, string | undefined]> {
  const withProps = instruction as unknown as {
    getProperties?: () => Array<{ getName(): string; getValue(): string | null }>;
    getProperty?: () => { getName(): string; getValue(): string | null } | null;
  };
  const props = withProps.getProperties?.() ?? (withProps.getProperty?.() ? [withProps.getProperty!()!] : []);
  return props.map((p) => [p.getName(), p.getValue() ?? undefined]);
}

/** `ARG A=1 B` / `ENV A=1 B=2` → { A: '1', B: '' } (names without a value map to ''). */
export function assignments(instruction: Instruction): Record<string, string> {
  return Object.fromEntries(declarations(instruction).map(([name, value]) => [name, value ?? '']));
}

export const lineOf = (instruction: Instruction): number => instruction.getRange().start.line + 1;
