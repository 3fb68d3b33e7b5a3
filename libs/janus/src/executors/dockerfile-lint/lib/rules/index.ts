import type { Rule } from '../rule';
import { aptListsCleaned } from './apt-lists-cleaned';
import { aptNoRecommends } from './apt-no-recommends';
import { dockerignore } from './dockerignore';
import { execForm } from './exec-form';
import { exposePort } from './expose-port';
import { healthcheck } from './healthcheck';
import { noAddLocal } from './no-add-local';
import { noSecretValues } from './no-secret-values';
import { nonRootUser } from './non-root-user';
import { notADockerfile } from './not-a-dockerfile';
import { onbuildNotChecked } from './onbuild-not-checked';
import { pinnedBaseImage } from './pinned-base-image';

export const RULES: readonly Rule[] = [
  notADockerfile,
  nonRootUser,
  healthcheck,
  exposePort,
  execForm,
  noAddLocal,
  pinnedBaseImage,
  aptListsCleaned,
  aptNoRecommends,
  noSecretValues,
  dockerignore,
  onbuildNotChecked,
];

/** The ids an ignore may name. */
export const RULE_IDS = RULES.filter((r) => r.ignorable !== false).map((r) => r.id);

/** hadolint ids with a Janus rule behind them: ignoring one of these switches that check off. */
export const HADOLINT_IDS = RULES.flatMap((r) => r.hadolint ?? []);
