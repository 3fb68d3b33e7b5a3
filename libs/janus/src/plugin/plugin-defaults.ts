import { DEFAULT_PLATFORMS } from '../oci/platform';
import type { NormalizedPluginOptions } from '../workspace/plugin-options';

/**
 * The options a workspace gets with `"options": {}`: held apart from the zod schema so that computing a
 * project graph with default options never loads zod (a spec keeps the two equal).
 */
export const DEFAULT_PLUGIN_OPTIONS: NormalizedPluginOptions = {
  include: [],
  exclude: [],
  splitPlatforms: false,
  platforms: DEFAULT_PLATFORMS.join(','),
  targetNames: { lint: 'dockerfile-lint', build: 'docker-build', contract: 'contract-test', push: 'docker-push', run: 'docker-run' },
};

/** The agent-runner spec's image size target: a baseline over it fails its build (and its contract). */
export const BASELINE_SIZE_BUDGET_MB = 100;
