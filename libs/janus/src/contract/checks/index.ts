import type { ContractCheck, ContractKind } from '../check';
import { chatCompletion } from './chat-completion';
import { concurrency } from './concurrency';
import { errors } from './errors';
import { healthStatus } from './health-status';
import { imageHygiene } from './image-hygiene';
import { models } from './models';
import { openAiClient } from './openai-client';
import { platformProxy } from './platform-proxy';
import { readiness } from './readiness';
import { cliVersion } from './runtime/cli-version';
import { missingCredentials } from './runtime/credentials';
import { readOnlyRoot } from './runtime/read-only-root';
import { runtimeUser } from './runtime/runtime-user';
import { warmPool } from './runtime/warm-pool';
import { shutdown } from './shutdown';
import { streaming } from './streaming';
import { streamUsage } from './stream-usage';

/**
 * Every contract check, in the order a run takes them: the id, title, kind, prerequisites and body each live
 * in the check's own file, and this list is the only place that names them all. Shutdown stays last, since
 * it stops the container the others use.
 */
export const CHECKS: readonly ContractCheck[] = [
  readiness,
  healthStatus,
  models,
  chatCompletion,
  streaming,
  streamUsage,
  errors,
  openAiClient,
  concurrency,
  platformProxy,
  imageHygiene,
  shutdown,
  warmPool,
  cliVersion,
  runtimeUser,
  readOnlyRoot,
  missingCredentials,
];

export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

export function checksOf<K extends ContractKind>(kind: K): Array<Extract<ContractCheck, { kind: K }>> {
  return CHECKS.filter((c): c is Extract<ContractCheck, { kind: K }> => c.kind === kind);
}
