import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * What a build needs to know about the machine it runs on, never about the project: how its RUN steps reach the
 * network, which npm registry they install from and which CA that registry's certificate chains to. A laptop
 * with Docker Desktop and a GitHub-hosted runner need none of them; a machine behind a proxy or mirror says so
 * in its environment (which wins) or once for the workspace in nx.json's janus plugin options. They never go
 * into a project's files, so a project builds the same wherever it is cloned.
 */
export const BUILD_NETWORKS = ['default', 'host', 'none'] as const;
export type BuildNetwork = (typeof BUILD_NETWORKS)[number];

/** The container engines Janus runs on. Both serve the Docker Engine API; only Docker's carries BuildKit sessions. */
export const ENGINE_KINDS = ['docker', 'podman'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];
export const ENGINE_CHOICES = ['auto', ...ENGINE_KINDS] as const;
export type EngineSelection = (typeof ENGINE_CHOICES)[number];
/** The environment variable that picks the engine for every target of a machine (a target's own option wins). */
export const ENGINE_ENV = 'JANUS_ENGINE';

/** The environment variables, and the plugin options of the same meaning. */
export const MACHINE_SETTINGS = {
  network: { env: 'JANUS_BUILD_NETWORK', option: 'buildNetwork' },
  npmRegistry: { env: 'JANUS_NPM_REGISTRY', option: 'npmRegistry' },
  npmCaFile: { env: 'JANUS_NPM_CA_FILE', option: 'npmCaFile' },
} as const;

/** The BuildKit secret id the templates' npm steps mount (optionally) as their CA bundle. */
export const NPM_CA_SECRET = 'npm-ca';
/** The build arg the templates' npm steps install from when it is given (npm's own default otherwise). */
export const NPM_REGISTRY_ARG = 'NPM_REGISTRY';

export interface MachineSettings {
  network?: BuildNetwork;
  npmRegistry?: string;
  /** Absolute path of a CA bundle that exists. */
  npmCaFile?: string;
}

export type MachineSettingOptions = Partial<{ buildNetwork: string; npmRegistry: string; npmCaFile: string }>;

/**
 * The machine's settings from the environment over the workspace's plugin options. Each bad value is one
 * problem line naming where it came from, the value and what is allowed; a CA file that is named must exist.
 */
export function machineSettings(
  workspaceRoot: string,
  options: MachineSettingOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): { settings: MachineSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: MachineSettings = {};
  const pick = (key: keyof typeof MACHINE_SETTINGS) => {
    const { env: name, option } = MACHINE_SETTINGS[key];
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, where: `${name}` };
    const fromOption = options[option];
    return fromOption !== undefined && fromOption !== '' ? { value: fromOption, where: `nx.json janus plugin option '${option}'` } : undefined;
  };
  const network = pick('network');
  if (network) {
    if ((BUILD_NETWORKS as readonly string[]).includes(network.value)) settings.network = network.value as BuildNetwork;
    else problems.push(`${network.where} = ${JSON.stringify(network.value)}: must be one of ${BUILD_NETWORKS.join(', ')}`);
  }
  const registry = pick('npmRegistry');
  if (registry) {
    if (/^https?:\/\/[^\s/]+/.test(registry.value)) settings.npmRegistry = registry.value;
    else problems.push(`${registry.where} = ${JSON.stringify(registry.value)}: must be an http(s) URL like "https://registry.npmjs.org/"`);
  }
  const ca = pick('npmCaFile');
  if (ca) {
    const path = isAbsolute(ca.value) ? ca.value : join(workspaceRoot, ca.value);
    if (!existsSync(path))
      problems.push(`${ca.where} = ${JSON.stringify(ca.value)}: no file at ${path}; point it at the PEM bundle npm must trust, or unset it`);
    else if (!statSync(path).isFile()) problems.push(`${ca.where} = ${JSON.stringify(ca.value)}: ${path} is not a file; point it at a PEM bundle`);
    else settings.npmCaFile = path;
  }
  return { settings, problems };
}
