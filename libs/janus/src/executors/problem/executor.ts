import { parseOptions } from '../../schema/parse-options';
import { logger } from '../../workspace/nx-logger';
import { type ProblemOptions, schema } from './options-schema';

/**
 * The janus targets of a project inference could not read. An executor rather than a shell `printf; exit 1`
 * through nx:run-commands: Nx runs a single command in a pseudo-terminal and drops the output of one that exits
 * within milliseconds, so the reason was sometimes never printed and the task failed saying nothing.
 */
export default async function problemExecutor(raw: ProblemOptions): Promise<{ success: boolean }> {
  const o = parseOptions(schema, raw, 'janus:problem');
  logger.error(o.message);
  return { success: false };
}
