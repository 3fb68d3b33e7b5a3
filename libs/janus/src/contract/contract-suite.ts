import type { ContainerScope } from '../engine/container-runner';
import { ensureImage, type ImageInfo } from '../engine/image-store';
import { type CheckResult, type ContractKind, runChecks } from './check';
import { checksOf } from './checks';
import type { RuntimeTarget } from './checks/runtime/runtime-target';
import { type BaselineTarget, checkDeadlineMs, type ContractLimits } from './checks/target';

export interface SuiteRequest {
  image: string;
  kind: ContractKind;
  limits: ContractLimits;
  env: Record<string, string>;
  secretValues: string[];
  skip: string[];
  versionCommand: string[];
  /** kind=runtime: the version the CLI was pinned to, which its version command must print. */
  expectedVersion?: string;
  /** Probe interval for the image's own HEALTHCHECK during the run; the image's 10 s would make every run ≥ 10 s. */
  healthProbeIntervalMs: number;
}

export interface SuiteResult {
  /** The image id (config digest) that was checked: what docker-push compares against before it ships. */
  imageId: string;
  checks: CheckResult[];
}

type Healthcheck = NonNullable<BaselineTarget['healthcheck']>;

function declaredHealthcheck(info: ImageInfo): Healthcheck | undefined {
  const declared = (info.Config as { Healthcheck?: Healthcheck }).Healthcheck;
  return declared?.Test?.length && declared.Test[0] !== 'NONE' ? declared : undefined;
}

/** The first model /v1/models lists, asked once; `janus` when the server lists none (the models check says so). */
function modelOnce(url: string, timeoutMs: number): () => Promise<string> {
  let model: Promise<string> | undefined;
  return () =>
    (model ??= fetch(`${url}/v1/models`, { signal: AbortSignal.timeout(timeoutMs) })
      .then((r) => r.json() as Promise<{ data?: Array<{ id?: string }> }>)
      .then((body) => body.data?.[0]?.id ?? 'janus')
      .catch(() => 'janus'));
}

async function baselineTarget(req: SuiteRequest, imageInfo: ImageInfo, scope: ContainerScope): Promise<BaselineTarget> {
  const healthcheck = declaredHealthcheck(imageInfo);
  const ns = 1e6;
  const container = await scope.start(req.image, {
    containerPort: req.limits.port,
    env: req.env,
    healthcheck: healthcheck && {
      Test: healthcheck.Test,
      Interval: req.healthProbeIntervalMs * ns,
      Timeout: healthcheck.Timeout || 5000 * ns,
      Retries: healthcheck.Retries || 3,
      StartPeriod: 0,
    },
  });
  return {
    image: req.image,
    imageInfo,
    container,
    url: container.url,
    limits: req.limits,
    env: req.env,
    secretValues: req.secretValues,
    scope,
    healthcheck,
    model: modelOnce(container.url, req.limits.requestTimeoutMs),
  };
}

async function runtimeTarget(req: SuiteRequest, imageInfo: ImageInfo, scope: ContainerScope): Promise<RuntimeTarget> {
  const warm = await scope.start(req.image, { env: { ...req.env, WARM_POOL: 'true' } });
  const home = (imageInfo.Config.Env ?? []).find((e) => e.startsWith('HOME='))?.slice('HOME='.length);
  return { image: req.image, warm, versionCommand: req.versionCommand, expectedVersion: req.expectedVersion, home, env: req.env, limits: req.limits, scope };
}

/** Starts the image under the scope, runs every check of its kind, and removes the scope's containers whatever happens. */
export async function runContractSuite(req: SuiteRequest, scope: ContainerScope): Promise<SuiteResult> {
  const imageInfo = await ensureImage(req.image);
  const options = { skip: req.skip, deadlineMs: checkDeadlineMs(req.limits) };
  try {
    if (req.kind === 'runtime') {
      const target = await runtimeTarget(req, imageInfo, scope);
      return { imageId: imageInfo.Id, checks: await runChecks(checksOf('runtime'), (c) => c.run(target), options) };
    }
    const target = await baselineTarget(req, imageInfo, scope);
    return { imageId: imageInfo.Id, checks: await runChecks(checksOf('baseline'), (c) => c.run(target), options) };
  } finally {
    await scope.close();
  }
}
