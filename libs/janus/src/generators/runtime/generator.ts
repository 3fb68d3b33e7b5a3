import { addProjectConfiguration, formatFiles, getProjects, joinPathFragments, logger, type Tree } from '@nx/devkit';
import { OptionsError, parseOptions } from '../../schema/parse-options';
import { formatRecord, managedRecord, PACKAGE_VERSION, renderProject } from '../../rendering/render-record';
import type { RuntimeRecordOptions } from '../../rendering/runtime-context';
import { templateOverrides } from '../../rendering/template-overrides';
import { initGenerator } from '../init/generator';
import { directoryProblems } from '../project-directory';
import { binsOf, fetchPackument, nativePackages, newestCompatible, nodeRangeOfBaseImage, npmRegistry, acceptsNode } from './npm-versions';
import { type ParsedRuntimeOptions, type RuntimeGeneratorOptions, schema } from './options-schema';
import { PROVIDERS, type RuntimeProvider } from '../../rendering/providers';

export const TEMPLATE_SET = 'runtime';
const SUBJECT = 'janus:runtime';

export interface ResolvedRuntime extends RuntimeProvider {
  name: string;
  directory: string;
  version: string;
  baseImage: string;
  uid: number;
  registry: string;
  native: { amd64?: string; arm64?: string };
  /** The registry the version was looked up in: this machine's, so it is reported, never recorded. */
  /** Why this version and not the registry's latest, when that is the case. */
  versionNote?: string;
}

function providerOf(o: ParsedRuntimeOptions, problems: string[]): RuntimeProvider {
  if (o.provider !== 'custom') {
    for (const key of ['package', 'bin', 'credentials'] as const) {
      if (o[key] !== undefined)
        problems.push(`'${key}' = ${JSON.stringify(o[key])}: only for --provider=custom; ${o.provider} installs ${PROVIDERS[o.provider].package}`);
    }
    return PROVIDERS[o.provider];
  }
  if (!o.package) problems.push(`'package' = (missing): --provider=custom needs the npm package of the CLI, e.g. --package=@scope/cli`);
  return {
    provider: 'custom',
    package: o.package ?? '',
    bin: o.bin ?? '',
    credentials: o.credentials ?? [],
    quietEnv: {},
    headless: [o.bin ?? ''],
    sizeBudgetMb: 500,
  };
}

/** Everything checked, and the version resolved from the registry, before a single file is written. */
export async function resolveRuntime(tree: Tree, raw: RuntimeGeneratorOptions): Promise<ResolvedRuntime> {
  const o = parseOptions(schema, raw, SUBJECT);
  const problems: string[] = [];
  const provider = providerOf(o, problems);
  const name = o.name ?? `${o.provider}-runtime`;
  const directory = (o.directory ?? `containers/${name}`).replace(/\\/g, '/').replace(/\/+$/, '');
  problems.push(...directoryProblems(tree, directory));
  if (getProjects(tree).has(name)) problems.push(`'name' = ${JSON.stringify(name)}: a project with this name already exists in the workspace`);
  if (problems.length) throw new OptionsError(SUBJECT, problems);

  const registry = await npmRegistry();
  const packument = await fetchPackument(provider.package, registry);
  if (!packument) throw new OptionsError(SUBJECT, [`'package' = ${JSON.stringify(provider.package)}: no such package on ${registry}`]);
  const nodeRange = o.nodeVersion ?? nodeRangeOfBaseImage(o.baseImage);
  let version = o.cliVersion;
  let versionNote: string | undefined;
  if (version) {
    const v = packument.versions[version];
    if (!v) {
      throw new OptionsError(SUBJECT, [
        `'cliVersion' = ${JSON.stringify(version)}: ${provider.package} has no such version on ${registry} (latest: ${packument['dist-tags'].latest})`,
      ]);
    }
    if (nodeRange && !acceptsNode(v, nodeRange)) {
      const fits = newestCompatible(packument, nodeRange)?.version;
      throw new OptionsError(SUBJECT, [
        `'cliVersion' = ${JSON.stringify(version)}: ${provider.package}@${version} needs Node ${v.engines?.node}, and ${o.baseImage} has Node ${nodeRange}${fits ? `; the newest that runs there is ${fits}` : ''}`,
      ]);
    }
  } else {
    if (!nodeRange) {
      throw new OptionsError(SUBJECT, [
        `'baseImage' = ${JSON.stringify(o.baseImage)}: its tag does not say which Node it ships; give --nodeVersion (e.g. 20) or an exact --cliVersion`,
      ]);
    }
    const pick = newestCompatible(packument, nodeRange);
    if (!pick)
      throw new OptionsError(SUBJECT, [`'baseImage' = ${JSON.stringify(o.baseImage)}: no stable ${provider.package} version runs on Node ${nodeRange}`]);
    version = pick.version;
    if (pick.heldBack)
      versionNote = `${version}, the newest that runs on the base image's Node ${nodeRange} (${pick.heldBack} needs Node ${packument.versions[pick.heldBack]?.engines?.node})`;
  }
  const manifest = packument.versions[version];
  const bins = binsOf(packument.name, manifest);
  const bin = provider.bin || (bins.length === 1 ? bins[0] : '');
  if (!bins.includes(bin)) {
    const field = o.provider === 'custom' ? 'bin' : 'provider';
    throw new OptionsError(SUBJECT, [
      `'${field}' = ${JSON.stringify(o.provider === 'custom' ? (o.bin ?? '(missing)') : o.provider)}: ${provider.package}@${version} installs ${bins.length ? bins.map((b) => `'${b}'`).join(', ') : 'no command'}${o.provider === 'custom' ? '; pass --bin=<one of them>' : ''}`,
    ]);
  }
  const native = provider.nativeFrom ? nativePackages(manifest) : {};
  return {
    ...provider,
    bin,
    headless: provider.provider === 'custom' ? [bin] : provider.headless,
    name,
    directory,
    version,
    baseImage: o.baseImage,
    uid: o.uid,
    registry,
    native,
    versionNote,
  };
}

/** What janus.json records of it: enough for `nx sync` to render it again without the registry. */
export function recordedOptions(r: ResolvedRuntime): RuntimeRecordOptions {
  return {
    provider: r.provider as RuntimeRecordOptions['provider'],
    package: r.package,
    bin: r.bin,
    version: r.version,
    baseImage: r.baseImage,
    uid: r.uid,
    credentials: r.credentials,
    native: r.native,
    ...(r.versionNote ? { versionNote: r.versionNote } : {}),
  };
}

export async function runtimeGenerator(tree: Tree, raw: RuntimeGeneratorOptions) {
  const r = await resolveRuntime(tree, raw);
  const options = recordedOptions(r);
  const files = renderProject(r.name, { template: TEMPLATE_SET, options }, templateOverrides(tree));
  addProjectConfiguration(tree, r.name, {
    root: r.directory,
    projectType: 'application',
    tags: ['janus:runtime', `janus:provider:${r.provider}`],
    // Only what the project is: how a machine reaches npm (network, CA, registry) is the machine's to say
    // (JANUS_BUILD_NETWORK, JANUS_NPM_CA_FILE, JANUS_NPM_REGISTRY), never the project's.
    targets: {
      'docker-build': { options: { sizeBudgetMb: r.sizeBudgetMb } },
      'contract-test': { options: { sizeBudgetMb: r.sizeBudgetMb } },
    },
  });
  // Records what it was rendered from and what of it is managed, so `nx sync` can re-apply template changes.
  tree.write(
    joinPathFragments(r.directory, 'janus.json'),
    formatRecord({ kind: 'runtime', template: TEMPLATE_SET, options, pluginVersion: PACKAGE_VERSION, managed: managedRecord(files) }),
  );
  for (const file of files) {
    const path = joinPathFragments(r.directory, file.path);
    tree.write(path, file.content);
    if (file.path === 'entrypoint.sh') tree.changePermissions(path, '755');
  }
  await initGenerator(tree, { skipFormat: true });
  if (!raw.skipFormat) await formatFiles(tree);
  return () => {
    logger.info(`janus: created ${r.name} in ${r.directory}: ${r.package}@${r.version}${r.versionNote ? ` (${r.versionNote})` : ''}`);
  };
}

export default runtimeGenerator;
