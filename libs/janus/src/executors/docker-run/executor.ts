import { type ExecutorContext, logger } from '@nx/devkit';
import { join } from 'node:path';
import { RUN_LABEL, WORKSPACE_LABEL, workspaceId } from '../../compose/workspace-containers';
import { ContainerScope } from '../../engine/container-runner';
import { assertEngineRunning } from '../../engine/docker-client';
import { ensureImage } from '../../engine/image-store';
import { isPortTaken, portHolder } from '../../engine/port-holder';
import { buildRecordDir, BUILD_RECORD_FILE, readBuildRecord } from '../../image/build-record';
import { nativePlatform } from '../../oci/platform';
import { engineImageOf } from '../../image/recorded-image';
import { parseOptions } from '../../schema/parse-options';
import { type DockerRunOptions, schema } from './options-schema';
import { UserError } from '../../errors/user-error';
import { reportFailure } from '../report-failure';

/** Runs the image a build recorded until Ctrl-C; the container is removed however the run ends. */
export default async function dockerRunExecutor(raw: DockerRunOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const scope = new ContainerScope();
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void scope.close();
  };
  // Not `once`: Nx follows a terminal's SIGINT with SIGTERM (twice), and a second signal without a handler
  // would kill the process before its container is removed.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const o = parseOptions(schema, raw, 'janus:docker-run');
    const build = `nx run ${context.projectName}:${o.buildTarget}`;
    let image = o.image;
    if (!image) {
      const recordFile = join(buildRecordDir(context, o.buildTarget), BUILD_RECORD_FILE);
      const record = readBuildRecord(recordFile, `build it first with '${build}'`);
      const local = record.platforms.find((p) => p.platform === nativePlatform()) ?? record.platforms[0];
      await assertEngineRunning();
      // A registry-resident build is run by digest, pulled if this engine never had it (a shared cache hit); an
      // engine-only one by id, which only an engine that built and kept it has (never pulled from Docker Hub).
      image =
        record.keepImagesIn === 'registry' && local.digest
          ? `${record.image}@${local.digest}`
          : await engineImageOf('docker-run', local, context.projectName!, o.buildTarget);
    }
    await assertEngineRunning();
    await ensureImage(image).catch((e: Error) => {
      throw new UserError(`janus:docker-run: ${e.message}; build it with '${build}' or pass an --image this engine has or can pull`);
    });
    const env = { ...o.env, ...Object.fromEntries(o.envFrom.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])) };
    const hostPort = o.hostPort ?? o.port;
    const container = await scope
      .start(image, {
        containerPort: o.port,
        hostPort,
        env,
        // docker-logs, docker-stop and docker-clean find it by these, in this workspace only.
        labels: { [RUN_LABEL]: context.projectName ?? '', [WORKSPACE_LABEL]: workspaceId(context.root) },
      })
      .catch(async (e: unknown) => {
        if (!isPortTaken(e)) throw e;
        const holder = await portHolder(hostPort);
        throw new UserError(
          `janus:docker-run: host port ${hostPort} is already in use${holder ? ` by ${holder}` : ''}; pass --hostPort=<a free port> or stop what holds it`,
        );
      });
    logger.info(`janus:docker-run: ${context.projectName} on ${container.url} (Ctrl-C stops and removes it)`);
    await container.followLogs((text) => process.stdout.write(text));
    // Removed from outside (docker-stop, docker-clean) while its logs were followed: that is a stop, not a failure.
    const exit = stopping ? 0 : await container.waitForExit(1000).catch((e: { statusCode?: number }) => (e.statusCode === 404 ? 'removed' : Promise.reject(e)));
    if (exit === 'removed') logger.info(`janus:docker-run: ${context.projectName}'s container was stopped and removed from outside`);
    return { success: stopping || exit === 0 || exit === 'removed' };
  } catch (e) {
    if (!stopping) reportFailure(e);
    return { success: stopping };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await scope.close();
  }
}
