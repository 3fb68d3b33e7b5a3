import type { Instruction } from 'dockerfile-ast';
import { runCommands, runMounts } from '../../../../dockerfile/dockerfile-model';
import { aptCommands } from '../apt-commands';
import { reporter, type Rule } from '../rule';

const LISTS = '/var/lib/apt/lists';

/** `rm -rf /var/lib/apt/lists/*` (any recursive rm below the lists directory) among the RUN's commands. */
const removesLists = (commands: string[][]) =>
  commands.some(
    ([program, ...args]) =>
      program?.split('/').at(-1) === 'rm' &&
      args.some((a) => a === '--recursive' || /^-[a-zA-Z]*[rR]/.test(a)) &&
      args.some((a) => a.replace(/\/+$/, '').startsWith(LISTS)),
  );

/** A cache or tmpfs mount over the lists keeps them out of the layer as well as removing them would. */
const mountsLists = (instruction: Instruction) =>
  runMounts(instruction).some(({ type, target }) => ['cache', 'tmpfs'].includes(type) && ['/var/lib/apt', LISTS].includes(target.replace(/\/+$/, '')));

export const aptListsCleaned: Rule = {
  id: 'JD007',
  name: 'apt-lists-cleaned',
  hadolint: ['DL3009'],
  reason: 'apt lists left in a layer add tens of MB that a later RUN cannot take back',
  check({ model }) {
    const report = reporter(this);
    const stage = model.finalStage;
    if (!stage) return [];
    // Only layers the image is made of count: the final stage and those it is built FROM. A builder stage that
    // is only copied from never ships its lists.
    const runs = model.findInAncestry(stage, 'RUN').sort((a, b) => a.stage.index - b.stage.index);
    return runs.flatMap(({ instruction }) => {
      const commands = runCommands(instruction);
      // update writes the lists; install is flagged too, since it only works with lists in the layer.
      const writer = aptCommands(commands).find((c) => c.subcommand === 'update' || c.subcommand === 'install');
      if (!writer || removesLists(commands) || mountsLists(instruction)) return [];
      return [report(instruction, `${writer.tool} ${writer.subcommand} without rm -rf ${LISTS}/* in the same RUN`)];
    });
  },
};
