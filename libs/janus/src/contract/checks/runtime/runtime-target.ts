import type { ContainerScope, StartedContainer } from '../../../engine/container-runner';
import type { ContractLimits } from '../target';

export interface RuntimeTarget {
  image: string;
  /** A container started with WARM_POOL=true: it idles, so exec-based checks can run in it. */
  warm: StartedContainer;
  /** The CLI's version command, e.g. ["codex", "--version"]. */
  versionCommand: string[];
  env: Record<string, string>;
  limits: ContractLimits;
  scope: ContainerScope;
}
