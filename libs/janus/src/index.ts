// The programmatic surface of the plugin; generators and executors are found through generators.json and
// executors.json.
export { baselineGenerator } from './generators/baseline/generator';
export type { BaselineGeneratorOptions } from './generators/baseline/options-schema';
export { default as dockerBuildExecutor } from './executors/docker-build/executor';
export type { DockerBuildOptions } from './executors/docker-build/options-schema';
export { RegistryClient } from './registry/registry-client';
export { buildManifestList } from './registry/manifest-list';
export { deriveTags } from './executors/docker-build/lib/tag-rules';
