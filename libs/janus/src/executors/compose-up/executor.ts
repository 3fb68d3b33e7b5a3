import type { ExecutorContext } from '@nx/devkit';
import { runCompose } from '../../compose/compose-cli';
import { readComposeServices } from '../../compose/compose-file';
import { composeInvocation } from '../../compose/compose-options';
import { waitForServices } from '../../compose/service-health';
import { assertEngineRunning, containerEngine, describeFailure } from '../../engine/docker-client';
import { parseOptions } from '../../schema/parse-options';
import { logger } from '../../workspace/nx-logger';
import { ensureServiceImages, serviceProjects, serviceRecords, sharedTag } from './lib/service-images';
import { type ComposeUpOptions, schema } from './options-schema';
import { UserError } from '../../errors/user-error';
import { reportFailure } from '../report-failure';

/**
 * `compose up -d` with the images the workspace built, then waits until every service is healthy. A start
 * that fails (a service exits, turns unhealthy or is not ready in time) or is interrupted takes the whole
 * project down again, so nothing half-started is left running.
 */
export default async function composeUpExecutor(raw: ComposeUpOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  // Not `once`: a second signal (Nx follows SIGINT with SIGTERM) would kill the process before compose down.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let inv: ReturnType<typeof composeInvocation> | undefined;
  let started = false;
  const out = (line: string) => logger.info(line);
  try {
    const o = parseOptions(schema, raw, 'janus:compose-up');
    inv = composeInvocation(context.root, o);
    const services = readComposeServices(inv.file);
    const unknown = o.services.filter((s) => !services.some((x) => x.name === s));
    if (unknown.length) {
      throw new UserError(
        `janus:compose-up: 'services' = ${JSON.stringify(unknown)}: not in ${o.file} (allowed: ${services.map((s) => JSON.stringify(s.name)).join(', ')})`,
      );
    }
    await assertEngineRunning();
    const images = serviceRecords(serviceProjects(services, context), context);
    const tag = o.tag ?? sharedTag(images);
    // The tag reaches compose as an environment variable: an env file or the shell may set other variables,
    // but which build runs is this target's business.
    const env = { ...process.env, ...(tag ? { JANUS_TAG: tag } : {}) };
    await ensureServiceImages(services, images, env);
    logger.info(
      `janus:compose-up: ${inv.projectName} from ${o.file}${tag ? ` with JANUS_TAG=${tag}` : ''}${inv.envFile ? `, env from ${o.envFile}` : ` (no ${o.envFile}: secrets only from the environment)`}`,
    );
    started = true;
    // Compose waits on `depends_on: service_healthy` itself: on Podman someone must run the checks meanwhile.
    const tending = new AbortController();
    const tended = containerEngine().containers.tendHealthchecks(
      [`com.docker.compose.project=${inv.projectName}`],
      AbortSignal.any([tending.signal, abort.signal]),
    );
    let states: Awaited<ReturnType<typeof waitForServices>>;
    try {
      await runCompose(inv, ['up', '-d', '--no-build', '--remove-orphans', ...o.services], { env, onLine: out, signal: abort.signal });
      const ids = (await runCompose(inv, ['ps', '-q', ...o.services], { env })).stdout.split('\n').filter(Boolean);
      states = await waitForServices(ids, o.timeoutSeconds * 1000, abort.signal);
    } finally {
      tending.abort();
      await tended;
    }
    if (abort.signal.aborted) throw new UserError('janus:compose-up: interrupted');
    const bad = states.filter((s) => s.status !== 'ready');
    if (bad.length) {
      for (const s of bad) {
        const logs = await runCompose(inv, ['logs', '--no-color', '--tail', '30', s.service], { env }).catch(() => undefined);
        logger.error(`service ${s.service}: ${s.status === 'starting' ? `not healthy within ${o.timeoutSeconds} s (${s.detail})` : s.detail}`);
        if (logs?.stdout.trim()) logger.error(logs.stdout.trimEnd());
      }
      throw new UserError(`janus:compose-up: ${bad.map((s) => s.service).join(', ')} did not become healthy; everything was taken down again`);
    }
    for (const s of states) logger.info(`  ${s.service}: ${s.detail}${s.urls.length ? ` on ${s.urls.join(', ')}` : ''}`);
    logger.info(`janus:compose-up: up. Logs: nx run <project>:docker-logs; stop: nx run ${context.projectName}:compose-down`);
    return { success: true };
  } catch (e) {
    reportFailure(e);
    if (started && inv) {
      await runCompose(inv, ['down', '--remove-orphans', '--timeout', '5'], { onLine: out }).catch((d) =>
        logger.error(`compose down failed too: ${describeFailure(d)}`),
      );
    }
    return { success: false };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
