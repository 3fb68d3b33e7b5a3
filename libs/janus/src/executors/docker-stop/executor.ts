import type { ExecutorContext } from '@nx/devkit';
import { projectContainers } from '../../compose/workspace-containers';
import { assertEngineRunning, containerEngine } from '../../engine/docker-client';
import { parseOptions } from '../../schema/parse-options';
import { logger } from '../../workspace/nx-logger';
import { type DockerStopOptions, schema } from './options-schema';
import { reportFailure } from '../report-failure';

/** SIGTERM (then SIGKILL after the timeout) and removal: nothing of the project is left, running or stopped. */
export default async function dockerStopExecutor(raw: DockerStopOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const o = parseOptions(schema, raw, 'janus:docker-stop');
    const engine = containerEngine();
    await assertEngineRunning(engine);
    const project = context.projectName!;
    const containers = await projectContainers(context.root, project, engine);
    // A container stopped or removed meanwhile (docker-run removes its own as it ends) is no error: the engine says so once.
    await Promise.all(
      containers.map(async (c) => {
        await engine.containers.stop(c.id, o.timeoutSeconds);
        await engine.containers.remove(c.id);
        logger.info(`janus:docker-stop: stopped and removed ${c.name}`);
      }),
    );
    if (containers.length === 0) logger.info(`janus:docker-stop: nothing of ${project} is running in this workspace`);
    return { success: true };
  } catch (e) {
    reportFailure(e);
    return { success: false };
  }
}
