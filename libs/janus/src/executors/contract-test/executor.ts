import { type ExecutorContext, logger } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { assertEngineRunning } from '../../engine/docker-client';
import { newRunLabels, removeRunContainers, runContractSuite } from '../../contract/contract-suite';
import { type ContractReport, reportTable, writeReports } from '../../contract/report';
import { parseOptions } from '../../schema/parse-options';
import { type ContractTestOptions, schema } from './options-schema';

function imageFromMetadata(context: ExecutorContext): string {
  const file = join(context.root, 'dist/docker', context.projectName!, 'metadata.json');
  if (!existsSync(file)) {
    throw new Error(`janus:contract-test: no image given and no ${file}; run 'nx run ${context.projectName}:docker-build' first or pass --image`);
  }
  const metadata = JSON.parse(readFileSync(file, 'utf8')) as { image: string; tags: string[] };
  return `${metadata.image}:${metadata.tags[0]}`;
}

function secretValue(spec: string, root: string): string {
  const src = /(?:^|,)(?:src|source)=([^,]+)/.exec(spec)?.[1];
  if (!src) return spec;
  const path = isAbsolute(src) ? src : join(root, src);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : spec;
}

export default async function contractTestExecutor(raw: ContractTestOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const labels = newRunLabels();
  // Ctrl-C or a kill must not leave containers behind: remove this run's, then exit as interrupted. The
  // suite may notice its container vanish and finish first; it then waits here for the same exit.
  let interrupted: Promise<never> | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    logger.warn(`janus:contract-test: ${sig}, removing this run's containers`);
    interrupted ??= removeRunContainers(labels)
      .catch(() => 0)
      .then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = Date.now();
  try {
    const o = parseOptions(schema, raw, 'janus:contract-test');
    await assertEngineRunning();
    const image = o.image ?? imageFromMetadata(context);
    logger.info(`janus:contract-test: checking ${image} (${o.kind})`);
    const checks = await runContractSuite(
      {
        image,
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
        secretValues: o.buildSecrets.map((s) => secretValue(s, context.root)).filter((v) => v.length >= 4),
        skip: o.skip,
        versionCommand: o.versionCommand,
        healthProbeIntervalMs: o.healthProbeIntervalMs,
      },
      labels,
    );
    const report: ContractReport = { project: context.projectName!, image, kind: o.kind, ok: checks.every((c) => c.ok), durationMs: Date.now() - t0, checks };
    writeReports(join(context.root, o.reportDir ?? join('dist/contract', context.projectName!)), report);
    (report.ok ? logger.info : logger.error)(reportTable(report));
    return { success: report.ok };
  } catch (e) {
    logger.error((e as Error).message);
    return { success: false };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (interrupted) await interrupted;
  }
}
