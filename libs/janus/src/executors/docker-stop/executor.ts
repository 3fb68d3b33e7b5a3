import type { ExecutorContext } from '@nx/devkit';
import { projectContainers } from '../../compose/workspace-containers';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { parseOptions } from '../../schema/parse-options';
import { logger } from '../../workspace/nx-logger';
import { type DockerStopOptions, schema } from './options-schema';
import { reportFailure } from '../report-failure';

/** SIGTERM (then SIGKILL after the timeout) and removal: nothing of the project is left, running or stopped. */
export default async function dockerStopExecutor(raw: DockerStopOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const o = parseOptions(schema, raw, 'janus:docker-stop');
    await assertEngineRunning();
    const project = context.projectName!;
    const docker = dockerClient();
    const containers = await projectContainers(context.root, project, docker);
    await Promise.all(
      containers.map(async (c) => {
        const container = docker.getContainer(c.id);
        // 304: already stopped; 404/409: removed meanwhile (docker-run removes its own container as it ends).
        await container.stop({ t: o.timeoutSeconds }).catch((e: { statusCode?: number }) => {
          if (![304, 404, 409].includes(e.statusCode ?? 0)) throw e;
        });
        await container.remove({ force: true, v: true }).catch((e: { statusCode?: number }) => {
          if (![404, 409].includes(e.statusCode ?? 0)) throw e;
        });
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
