export type AptTool = 'apt-get' | 'apt' | 'aptitude';

export interface AptCommand {
  tool: AptTool;
  /** The first word that is not an option: install, update, remove… (undefined for a bare `apt-get -v`). */
  subcommand?: string;
  /** Whether this command leaves recommended packages out. */
  noRecommends: boolean;
}

const TOOLS: readonly string[] = ['apt-get', 'apt', 'aptitude'];

// Options that take the next word as their value, so that word is not the subcommand (`apt-get -o X=Y install`).
const VALUE_OPTIONS: Record<AptTool, readonly string[]> = {
  'apt-get': ['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release', '-a', '--host-architecture'],
  apt: ['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release', '-a', '--host-architecture'],
  aptitude: ['-o', '-t', '--target-release', '--default-release', '-F', '--display-format', '-w', '--width', '-O', '--sort', '-S'],
};

const RECOMMENDS_OFF = /^APT::Install-Recommends=(false|0|no|off)$/i;

/** Words that run the next word as the command. */
const WRAPPERS = ['sudo', 'env', 'command', 'nice', 'nohup'];

/** The apt-get, apt and aptitude invocations among simple commands (from `runCommands`). */
export function aptCommands(commands: string[][]): AptCommand[] {
  return commands.flatMap((words) => {
    let start = 0;
    while (start < words.length && (/^\w+=/.test(words[start]) || WRAPPERS.includes(words[start]))) start++;
    const tool = words[start]?.split('/').at(-1) ?? '';
    return TOOLS.includes(tool) ? [parse(tool as AptTool, words.slice(start + 1))] : [];
  });
}

function parse(tool: AptTool, args: string[]): AptCommand {
  let subcommand: string | undefined;
  const settings: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (VALUE_OPTIONS[tool].includes(word)) {
      if (word === '-o' || word === '--option') settings.push(args[i + 1] ?? '');
      i++;
    } else if (word.startsWith('-o') && !word.startsWith('--')) settings.push(word.slice(2));
    else if (word.startsWith('--option=')) settings.push(word.slice('--option='.length));
    else if (word.startsWith('-')) flags.push(word);
    else subcommand ??= word;
  }
  const recommendsOff = settings.some((s) => RECOMMENDS_OFF.test(s));
  const noRecommends =
    tool === 'aptitude'
      ? recommendsOff || flags.some((f) => f === '--without-recommends' || /^-[a-zA-Z]*R[a-zA-Z]*$/.test(f))
      : recommendsOff || flags.includes('--no-install-recommends');
  return { tool, subcommand, noRecommends };
}

/** How to leave recommends out with this tool, for messages. */
export const NO_RECOMMENDS_FLAG: Record<AptTool, string> = {
  'apt-get': '--no-install-recommends',
  apt: '--no-install-recommends',
  aptitude: '--without-recommends (-R)',
};
