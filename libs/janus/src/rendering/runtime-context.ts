import { z } from 'zod';
import { PROVIDERS, type RuntimeProvider } from './providers';
import { imageReference, nonRootUid } from '../schema/common-fields';
import { SLIM_TOOLS } from './slim-tools';

const USER = 'runtime';
const HOME = '/home/runtime';

/**
 * What janus.json records of a runtime: the facts resolved from the npm registry when it was generated (version,
 * native packages), so `nx sync` renders it again offline (the registry they came from is the generating
 * machine's, not the project's: builds install from the machine's own, see JANUS_NPM_REGISTRY); the provider's conventions (switches,
 * headless flags, budget) come from the plugin's provider table at each rendering, so a change there syncs.
 */
export const runtimeRecordOptions = z
  .object({
    provider: z.enum(['openai', 'anthropic', 'google', 'custom']),
    package: z.string().min(1),
    bin: z.string().min(1),
    version: z.string().min(1),
    baseImage: imageReference,
    uid: nonRootUid,
    credentials: z.array(z.string()).default([]),
    native: z.object({ amd64: z.string().optional(), arm64: z.string().optional() }).default({}),
    /** Why this version and not the registry's latest, when that was the case. */
    versionNote: z.string().optional(),
  })
  .loose();
export type RuntimeRecordOptions = z.output<typeof runtimeRecordOptions>;

/** The provider's conventions with the recorded facts on top: what the templates render. */
export function resolvedProvider(o: RuntimeRecordOptions): RuntimeProvider {
  if (o.provider !== 'custom') return { ...PROVIDERS[o.provider], package: o.package, bin: o.bin, credentials: o.credentials };
  return { provider: 'custom', package: o.package, bin: o.bin, credentials: o.credentials, quietEnv: {}, headless: [o.bin], sizeBudgetMb: 500 };
}

export function runtimeContext(name: string, o: RuntimeRecordOptions) {
  const p = resolvedProvider(o);
  return {
    title: `${name}: ${o.package} agent runtime`,
    name,
    provider: o.provider,
    package: o.package,
    bin: o.bin,
    version: o.version,
    versionNote: o.versionNote ?? '',
    baseImage: o.baseImage,
    native: { amd64: o.native.amd64 ?? '', arm64: o.native.arm64 ?? '' },
    scriptsFor: p.scriptsFor ?? '',
    uid: o.uid,
    user: USER,
    home: HOME,
    slimTools: SLIM_TOOLS,
    linkedBy: '/cli',
    writableDirs: [HOME, ...(p.configDir ? [`${HOME}/${p.configDir}`] : []), '/workspace'],
    credentials: o.credentials,
    credentialsText: o.credentials.join(' or '),
    headlessLine: p.headless.join(' '),
    sizeBudgetMb: p.sizeBudgetMb,
    env: [
      { key: 'PROVIDER', value: o.provider },
      { key: 'USER_ID', value: String(o.uid) },
      { key: 'HOME', value: HOME },
      { key: 'DEBUG', value: 'false' },
      { key: 'WARM_POOL', value: 'false' },
      { key: 'NO_UPDATE_NOTIFIER', value: '1' },
      ...Object.entries(p.quietEnv).map(([key, value]) => ({ key, value })),
    ],
  };
}

/** The runtime set's job file is named after the project. */
export const runtimeFilePath = (name: string, path: string) => (path === 'job.nomad.hcl' ? `${name}.nomad.hcl` : path);
