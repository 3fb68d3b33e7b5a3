import type { NormalizedPluginOptions } from './plugin-options';

/**
 * The options a workspace gets with `"options": {}`: held apart from the zod schema so that computing a
 * project graph with default options never loads zod (a spec keeps the two equal).
 */
export const DEFAULT_PLUGIN_OPTIONS: NormalizedPluginOptions = {
  include: [],
  exclude: [],
  splitPlatforms: false,
  platforms: 'linux/amd64,linux/arm64',
  targetNames: { lint: 'dockerfile-lint', build: 'docker-build', contract: 'contract-test', push: 'docker-push', run: 'docker-run' },
};
