import type { ContainerScope, StartedContainer } from '../../../engine/container-runner';
import type { ContractLimits } from '../target';

export interface RuntimeTarget {
  image: string;
  /** A container started with WARM_POOL=true: it idles, so exec-based checks can run in it. */
  warm: StartedContainer;
  /** The CLI's version command, e.g. ["codex", "--version"]. */
  versionCommand: string[];
  /** The version the CLI was pinned to, when known: its version command must print it. */
  expectedVersion?: string;
  /** The image's HOME, where the CLI keeps its state: the one path a read-only run gives it to write. */
  home?: string;
  env: Record<string, string>;
  limits: ContractLimits;
  scope: ContainerScope;
}
