import type { ExecutorContext } from '@nx/devkit';
import { PassThrough } from 'node:stream';
import { projectContainers, type WorkspaceContainer } from '../../compose/workspace-containers';
import { demuxBuffer } from '../../engine/container-runner';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { parseOptions } from '../../schema/parse-options';
import { type DockerLogsOptions, schema } from './options-schema';
import { reportFailure } from '../report-failure';
import { UserError } from '../../errors/user-error';

function prefixed(prefix: string, text: string): string {
  return prefix ? text.replace(/^(?=.)/gm, prefix) : text;
}

async function showLogs(c: WorkspaceContainer, o: ReturnType<typeof schema.parse>, prefix: string, signal: AbortSignal): Promise<void> {
  const container = dockerClient().getContainer(c.id);
  const common = { stdout: true, stderr: true, tail: o.tail === 'all' ? undefined : o.tail, timestamps: o.timestamps };
  if (!o.follow) {
    const buf = (await container.logs({ ...common, follow: false })) as unknown as Buffer;
    process.stdout.write(prefixed(prefix, demuxBuffer(buf)));
    return;
  }
  const stream = (await container.logs({ ...common, follow: true, abortSignal: signal })) as NodeJS.ReadableStream;
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => process.stdout.write(prefixed(prefix, chunk.toString('utf8'))));
  container.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve) => {
    for (const ev of ['end', 'close', 'error']) stream.on(ev, () => resolve());
    signal.addEventListener('abort', () => resolve());
  });
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
    await assertEngineRunning();
    const project = context.projectName!;
    const containers = await projectContainers(context.root, project);
    if (containers.length === 0) {
      throw new UserError(
        `janus:docker-logs: no container of ${project} in this workspace; start one with 'nx run ${project}:docker-run' or the workspace's compose-up`,
      );
    }
    await Promise.all(containers.map((c) => showLogs(c, o, containers.length > 1 ? `${c.name} | ` : '', abort.signal)));
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
