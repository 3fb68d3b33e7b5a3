import { randomBytes } from 'node:crypto';
import { removeLabelledContainers, startContainer, type StartedContainer } from '../engine/container-runner';
import { type CheckResult, runCheck } from './check-result';
import { checkChatCompletion } from './checks/chat-completion';
import { checkConcurrency } from './checks/concurrency';
import { checkErrors } from './checks/errors';
import { waitUntilHealthy } from './checks/health-status';
import { checkImageHygiene } from './checks/image-hygiene';
import { checkModels } from './checks/models';
import { checkOpenAiClient } from './checks/openai-client';
import { checkPlatformProxy } from './checks/platform-proxy';
import { waitUntilReady } from './checks/readiness';
import { checkCliVersion } from './checks/runtime/cli-version';
import { checkMissingCredentials } from './checks/runtime/credentials';
import { checkRuntimeUser } from './checks/runtime/runtime-user';
import { checkWarmPool } from './checks/runtime/warm-pool';
import { checkShutdown } from './checks/shutdown';
import { checkStreaming } from './checks/streaming';
import type { BaselineTarget, ContractLimits } from './checks/target';
import { ensureImage } from './ensure-image';

export const RUN_LABEL = 'org.janus.contract-run';

export interface SuiteRequest {
  image: string;
  kind: 'baseline' | 'runtime';
  limits: ContractLimits;
  env: Record<string, string>;
  secretValues: string[];
  skip: string[];
  versionCommand: string[];
  /** Probe interval for the image's own HEALTHCHECK during the run; the image's 10 s would make every run ≥ 10 s. */
  healthProbeIntervalMs: number;
}

export const BASELINE_CHECKS = [
  'readiness',
  'health-status',
  'models',
  'chat-completion',
  'streaming',
  'errors',
  'openai-client',
  'concurrency',
  'platform-proxy',
  'image-hygiene',
  'shutdown',
] as const;
export const RUNTIME_CHECKS = ['cli-version', 'runtime-user', 'missing-credentials', 'warm-pool'] as const;

const TITLES: Record<string, string> = {
  readiness: 'GET /health answers 200',
  'health-status': 'HEALTHCHECK turns healthy',
  models: 'GET /v1/models list',
  'chat-completion': 'chat completion (JSON)',
  streaming: 'chat completion (SSE, [DONE])',
  errors: 'malformed requests → 4xx error object',
  'openai-client': 'official openai client',
  concurrency: 'concurrent streams overlap',
  'platform-proxy': 'JANUS_PLATFORM_URL proxy with key',
  'image-hygiene': 'non-root, EXPOSE, HEALTHCHECK, size, no secrets',
  shutdown: 'SIGTERM → clean exit',
  'cli-version': 'CLI --version runs',
  'runtime-user': 'runs as runtime (uid 1000)',
  'missing-credentials': 'no credentials → clear failure',
  'warm-pool': 'WARM_POOL=true idles, exec works',
};

/** A unique label per run: Ctrl-C or a crash can remove exactly this run's containers. */
export function newRunLabels(): Record<string, string> {
  return { [RUN_LABEL]: randomBytes(6).toString('hex') };
}

export async function removeRunContainers(labels: Record<string, string>): Promise<number> {
  return removeLabelledContainers(undefined, `${RUN_LABEL}=${labels[RUN_LABEL]}`);
}

export async function runContractSuite(req: SuiteRequest, labels: Record<string, string>): Promise<CheckResult[]> {
  const imageInfo = await ensureImage(req.image);
  try {
    return req.kind === 'runtime' ? await runRuntime(req, labels) : await runBaseline(req, labels, imageInfo);
  } finally {
    await removeRunContainers(labels);
  }
}

async function runBaseline(req: SuiteRequest, labels: Record<string, string>, imageInfo: Awaited<ReturnType<typeof ensureImage>>): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const declared = (imageInfo.Config as { Healthcheck?: { Test?: string[]; Timeout?: number; Retries?: number } }).Healthcheck;
  const hasHealthcheck = Boolean(declared?.Test?.length && declared.Test[0] !== 'NONE');
  const ms = 1e6;
  const container = await startContainer(req.image, {
    containerPort: req.limits.port,
    env: req.env,
    labels,
    healthcheck: hasHealthcheck
      ? {
          Test: declared!.Test!,
          Interval: req.healthProbeIntervalMs * ms,
          Timeout: declared!.Timeout || 5000 * ms,
          Retries: declared!.Retries || 3,
          StartPeriod: 0,
        }
      : undefined,
  });
  const target: BaselineTarget = {
    image: req.image,
    imageInfo,
    container,
    url: container.url,
    model: 'janus',
    limits: req.limits,
    secretValues: req.secretValues,
    labels,
  };
  // Readiness has its own (longer) limit; any other check gets a few request timeouts at most.
  const deadlineMs = Math.max(4 * req.limits.requestTimeoutMs, (req.limits.readyTimeoutS + req.limits.healthyTimeoutS + 10) * 1000);
  const run = async (id: string, body: () => Promise<{ ok: boolean; figure: string; detail?: string }>) => {
    if (req.skip.includes(id)) return;
    results.push(await runCheck(id, TITLES[id], body, deadlineMs));
  };

  let ready = false;
  await run('readiness', async () => {
    const r = await waitUntilReady(container, req.limits.readyTimeoutS);
    ready = r.ok;
    return { ok: r.ok, figure: `${r.readyMs} ms`, detail: r.detail };
  });
  if (!ready && !req.skip.includes('readiness')) {
    for (const id of BASELINE_CHECKS.slice(1))
      if (!req.skip.includes(id)) results.push({ id, title: TITLES[id], ok: false, figure: 'not run', detail: 'the server never became ready', durationMs: 0 });
    return results;
  }
  await run('health-status', async () =>
    hasHealthcheck
      ? waitUntilHealthy(container, req.limits.healthyTimeoutS)
      : { ok: false, figure: 'no HEALTHCHECK', detail: 'the image declares no HEALTHCHECK' },
  );
  const models = await fetch(`${container.url}/v1/models`)
    .then((r) => r.json())
    .catch(() => undefined);
  target.model = (models as { data?: Array<{ id: string }> })?.data?.[0]?.id ?? target.model;
  await run('models', () => checkModels(target));
  await run('chat-completion', () => checkChatCompletion(target));
  await run('streaming', () => checkStreaming(target));
  await run('errors', () => checkErrors(target));
  await run('openai-client', () => checkOpenAiClient(target));
  await run('concurrency', () => checkConcurrency(target));
  await run('platform-proxy', () => checkPlatformProxy(target, req.env));
  await run('image-hygiene', () => checkImageHygiene(target));
  await run('shutdown', () => checkShutdown(target));
  return results;
}

async function runRuntime(req: SuiteRequest, labels: Record<string, string>): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const warm: StartedContainer = await startContainer(req.image, { env: { ...req.env, WARM_POOL: 'true' }, labels });
  const target = { image: req.image, warm, versionCommand: req.versionCommand, env: req.env, labels };
  const run = async (id: string, body: () => Promise<{ ok: boolean; figure: string; detail?: string }>) => {
    if (!req.skip.includes(id)) results.push(await runCheck(id, TITLES[id], body));
  };
  await run('warm-pool', () => checkWarmPool(target));
  await run('cli-version', () => checkCliVersion(target));
  await run('runtime-user', () => checkRuntimeUser(target));
  await run('missing-credentials', () => checkMissingCredentials(target));
  return results;
}
