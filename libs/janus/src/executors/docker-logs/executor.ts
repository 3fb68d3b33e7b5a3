import type { ExecutorContext } from '@nx/devkit';
import { projectContainers, type WorkspaceContainer } from '../../compose/workspace-containers';
import type { ContainerEngine } from '../../engine/container-engine';
import { assertEngineRunning, containerEngine } from '../../engine/docker-client';
import { parseOptions } from '../../schema/parse-options';
import { type DockerLogsOptions, schema } from './options-schema';
import { reportFailure } from '../report-failure';
import { UserError } from '../../errors/user-error';

function prefixed(prefix: string, text: string): string {
  return prefix ? text.replace(/^(?=.)/gm, prefix) : text;
}

async function showLogs(
  engine: ContainerEngine,
  c: WorkspaceContainer,
  o: ReturnType<typeof schema.parse>,
  prefix: string,
  signal: AbortSignal,
): Promise<void> {
  const options = { tail: o.tail === 'all' ? undefined : o.tail, timestamps: o.timestamps };
  const write = (text: string) => process.stdout.write(prefixed(prefix, text));
  if (o.follow) await engine.containers.followLogs(c.id, write, { ...options, signal });
  else write(await engine.containers.logs(c.id, options));
}

/** The logs of the project's containers, each line prefixed with its container when there are several. */
export default async function dockerLogsExecutor(raw: DockerLogsOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  // Not `once`: Nx follows SIGINT with SIGTERM, and the second signal would kill the run before it detaches.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const o = parseOptions(schema, raw, 'janus:docker-logs');
    const engine = containerEngine();
    await assertEngineRunning(engine);
    const project = context.projectName!;
    const containers = await projectContainers(context.root, project, engine);
    if (containers.length === 0) {
      throw new UserError(
        `janus:docker-logs: no container of ${project} in this workspace; start one with 'nx run ${project}:docker-run' or the workspace's compose-up`,
      );
    }
    await Promise.all(containers.map((c) => showLogs(engine, c, o, containers.length > 1 ? `${c.name} | ` : '', abort.signal)));
    return { success: true };
  } catch (e) {
    if (abort.signal.aborted) return { success: true };
    reportFailure(e);
    return { success: false };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
