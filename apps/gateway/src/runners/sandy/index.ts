// What the gateway needs to run competitors in Sandy: `new SandyRunner(sandyConfigFromEnv())`.
export { SandyRunner, type RunnerLogger, type SandyRunnerOptions } from './sandy-runner';
export { parseSandyConfig, sandyConfigFromEnv, SandyConfigError, type SandyConfig, type SandyConfigInput } from './sandy-config';
export { HttpSandyClient, type SandyClient } from './sandy-client';
