import type { ExecutorContext } from '@nx/devkit';
import { runCompose } from '../../compose/compose-cli';
import { readComposeServices } from '../../compose/compose-file';
import { composeInvocation } from '../../compose/compose-options';
import { workspaceContainers } from '../../compose/workspace-containers';
import { assertEngineRunning, containerEngine } from '../../engine/docker-client';
import { parseOptions } from '../../schema/parse-options';
import { logger } from '../../workspace/nx-logger';
import { type ComposeDownOptions, schema } from './options-schema';
import { reportFailure } from '../report-failure';

/** `compose down`, then a look at the engine: any container of the project still there is removed and named. */
export default async function composeDownExecutor(raw: ComposeDownOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const o = parseOptions(schema, raw, 'janus:compose-down');
    const inv = composeInvocation(context.root, o);
    readComposeServices(inv.file);
    const engine = containerEngine();
    await assertEngineRunning(engine);
    await runCompose(inv, ['down', '--remove-orphans', '--timeout', String(o.timeoutSeconds), ...(o.volumes ? ['--volumes'] : [])], {
      onLine: (l) => logger.info(l),
    });
    const left = (await workspaceContainers(context.root, engine)).filter((c) => c.origin.kind === 'compose' && c.origin.composeProject === inv.projectName);
    if (left.length) {
      await Promise.all(left.map((c) => engine.containers.remove(c.id)));
      logger.warn(`janus:compose-down: compose left ${left.map((c) => c.name).join(', ')}; removed them`);
    }
    logger.info(`janus:compose-down: ${inv.projectName} is down; nothing of it is running`);
    return { success: true };
  } catch (e) {
    reportFailure(e);
    return { success: false };
  }
}
