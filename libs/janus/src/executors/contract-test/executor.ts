import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { runContractSuite } from '../../contract/contract-suite';
import { clearReports, type ContractReport, defaultReportDir, reportTable, writeReports } from '../../contract/report';
import { ContainerScope } from '../../engine/container-runner';
import { assertEngineRunning } from '../../engine/docker-client';
import { ensureImage } from '../../engine/image-store';
import { registryCredentials } from '../../registry/credentials';
import { parseImageReference } from '../../oci/image-reference';
import { type BuildRecord, buildRecordDir, BUILD_RECORD_FILE, readBuildRecord } from '../../image/build-record';
import { nativePlatform } from '../../oci/platform';
import { engineImageOf } from '../../image/recorded-image';
import { resolveSecrets, searchableSecretValues } from '../../image/secret-spec';
import { OptionsError, parseOptions } from '../../schema/parse-options';
import { workspacePath } from '../../workspace/target-options';
import { type ContractTestOptions, schema } from './options-schema';
import { logger } from '../../workspace/nx-logger';
import { InterruptGuard } from '../../process/interrupt-guard';
import { reportFailure } from '../report-failure';
import { UserError } from '../../errors/user-error';

/** What the run checks: the reference it starts, how it is shown, and the registry digest it pins, if any. */
interface ImageUnderTest {
  ref: string;
  shown: string;
  digest?: string;
}

/**
 * The image a build recorded for this machine's platform. A registry-resident build is run by digest
 * (`repo@sha256:…`, pulled when this engine lacks it, e.g. after a shared cache hit), so no moving tag can swap
 * it. An engine-only build is run by image id, which only the engine that built it has.
 */
async function recordedImage(record: BuildRecord, context: ExecutorContext, buildTarget: string): Promise<ImageUnderTest> {
  const platform = record.platforms.find((p) => p.platform === nativePlatform()) ?? (record.platforms.length === 1 ? record.platforms[0] : undefined);
  if (!platform) {
    throw new UserError(
      `janus:contract-test: the build recorded ${record.platforms.map((p) => p.platform).join(', ')}, not this machine's ${nativePlatform()}; add it to platforms`,
    );
  }
  const shown = `${record.image}:${record.tags[0]} (${platform.platform})`;
  if (platform.digest) return { ref: `${record.image}@${platform.digest}`, shown: `${shown} ${platform.digest.slice(0, 19)}`, digest: platform.digest };
  return { ref: await engineImageOf('contract-test', platform, context.projectName!, buildTarget), shown };
}

/** The image in this engine, pulled if need be; a failure names the option or record it came from and what was tried. */
async function ensureImageUnderTest(image: ImageUnderTest, fromOption: boolean): Promise<void> {
  const registry = parseImageReference(image.ref).registry;
  // A private registry's images need the same credentials docker-build staged them with.
  const credentials = await registryCredentials(registry);
  try {
    await ensureImage(image.ref, undefined, credentials);
  } catch (e) {
    const what = fromOption ? `'image' = ${JSON.stringify(image.ref)}` : `the recorded image ${image.ref}`;
    const why = (e as Error).message.replace(/^image \S+ is not in the local engine and pulling it failed: /, '');
    throw new UserError(
      `janus:contract-test: ${what}: not in the local engine, and pulling it from ${registry} failed (${why.trim()}); ` +
        (fromOption
          ? 'build it first, or give a reference the engine can pull, e.g. localhost:5000/my-agent:sha-abc1234'
          : 'is the registry the build pushed it to reachable?'),
    );
  }
}

export default async function contractTestExecutor(raw: ContractTestOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const scope = new ContainerScope();
  // Ctrl-C or a kill must not leave containers behind: the scope's close also catches containers still being
  // created. The suite may notice its container vanish and finish first; it then waits in dispose() for the exit.
  const guard = new InterruptGuard('janus:contract-test', logger);
  guard.track("removing this run's containers", () => scope.close());
  const t0 = Date.now();
  try {
    const o = parseOptions(schema, raw, 'janus:contract-test');
    const reportDir = workspacePath(context.root, o.reportDir ?? defaultReportDir(context.projectName!));
    clearReports(reportDir);
    const record = o.image
      ? undefined
      : readBuildRecord(
          join(buildRecordDir(context, o.buildTarget), BUILD_RECORD_FILE),
          `run 'nx run ${context.projectName}:${o.buildTarget}' first or pass --image`,
        );
    const resolved = resolveSecrets(
      [...o.buildSecrets.filter((s) => s.startsWith('id=')), ...(record?.secrets ?? []).map((s) => s.spec)],
      context.root,
      'buildSecrets',
    );
    if (resolved.problems.length)
      throw new OptionsError(
        'janus:contract-test',
        resolved.problems.map((p) => `${p} (the contract cannot prove a secret absent without its value)`),
      );
    const literal = o.buildSecrets.filter((s) => !s.startsWith('id=')).map((value) => ({ value }));
    await assertEngineRunning();
    const image: ImageUnderTest = o.image
      ? { ref: o.image, shown: o.image, digest: parseImageReference(o.image).digest }
      : await recordedImage(record!, context, o.buildTarget);
    guard.doing(`pulling or finding ${image.shown}`);
    await ensureImageUnderTest(image, Boolean(o.image));
    logger.info(`janus:contract-test: checking ${image.shown} (${o.kind})`);
    guard.doing(`checking ${image.shown}`);
    const result = await runContractSuite(
      {
        image: image.ref,
        kind: o.kind,
        limits: {
          port: o.port,
          readyTimeoutS: o.readyTimeoutS,
          healthyTimeoutS: o.healthyTimeoutS,
          concurrency: o.concurrency,
          sizeBudgetMb: o.sizeBudgetMb,
          requestTimeoutMs: o.requestTimeoutS * 1000,
        },
        env: o.env,
        secretValues: searchableSecretValues([...resolved.secrets, ...literal]),
        skip: o.skip,
        versionCommand: o.versionCommand,
        expectedVersion: o.expectedVersion,
        healthProbeIntervalMs: o.healthProbeIntervalMs,
      },
      scope,
    );
    const report: ContractReport = {
      project: context.projectName!,
      image: image.shown,
      imageId: result.imageId,
      digest: image.digest,
      kind: o.kind,
      ok: result.checks.every((c) => c.ok),
      durationMs: Date.now() - t0,
      checks: result.checks,
    };
    writeReports(reportDir, report);
    (report.ok ? logger.info : logger.error)(reportTable(report));
    return { success: report.ok };
  } catch (e) {
    reportFailure(e);
    return { success: false };
  } finally {
    await guard.dispose();
  }
}
