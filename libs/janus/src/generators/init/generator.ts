import { formatFiles, logger, type NxJsonConfiguration, readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { janusPluginEntryOptions } from '../../workspace/plugin-options';
import { PLUGIN_ENTRY, SYNC_GENERATOR } from '../../workspace/plugin-names';
import { assertSupportedNx } from '../../plugin/supported-nx';
import { parseOptions } from '../../schema/parse-options';
import { type InitGeneratorOptions, schema } from './options-schema';

/** Whether nx.json already lists the plugin, in either of the forms Nx accepts. */
export function hasJanusPlugin(tree: Tree): boolean {
  return (readNxJson(tree)?.plugins ?? []).some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_ENTRY);
}

/** Sets the janus entry's `registry`; false when it already had that value. */
function setRegistry(nxJson: NxJsonConfiguration, registry: string): boolean {
  const plugins = nxJson.plugins ?? [];
  const at = plugins.findIndex((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_ENTRY);
  const entry = plugins[at];
  const current = typeof entry === 'string' ? {} : ((entry.options ?? {}) as Record<string, unknown>);
  if (current.registry === registry) return false;
  plugins[at] = { plugin: PLUGIN_ENTRY, options: { ...current, registry } };
  nxJson.plugins = plugins;
  return true;
}

/**
 * `nx add janus` runs this: the inference plugin goes into nx.json once (an existing entry and its options are
 * kept; --registry, or its prompt on a TTY, sets the workspace's registry in it), and janus:sync joins the global sync generators, so `nx sync:check` in CI refuses template drift.
 */
export async function initGenerator(tree: Tree, raw: InitGeneratorOptions = {}) {
  // Before anything is written: `nx add janus` on an Nx outside the tested range stops here, with one line.
  assertSupportedNx();
  const options = parseOptions(schema, raw, 'janus:init');
  const nxJson = readNxJson(tree) ?? {};
  const plugin = !hasJanusPlugin(tree);
  const sync = !(nxJson.sync?.globalGenerators ?? []).includes(SYNC_GENERATOR);
  if (plugin) nxJson.plugins = [...(nxJson.plugins ?? []), { plugin: PLUGIN_ENTRY, options: {} }];
  if (sync) nxJson.sync = { ...nxJson.sync, globalGenerators: [...(nxJson.sync?.globalGenerators ?? []), SYNC_GENERATOR] };
  // The one place the workspace names its registry: every docker-build, docker-push and janus:deploy reads it.
  const registryChanged = Boolean(options.registry) && setRegistry(nxJson, options.registry!);
  if (plugin || sync || registryChanged) updateNxJson(tree, nxJson);
  const registry = janusPluginEntryOptions(nxJson) as { registry?: string } | undefined;
  if (!options.skipFormat) await formatFiles(tree);
  return () => {
    logger.info(
      `janus: ${PLUGIN_ENTRY} is registered in nx.json (projects with a janus.json get their container targets inferred), and ${SYNC_GENERATOR} runs with nx sync`,
    );
    logger.info(
      registry?.registry
        ? `janus: images are pushed to ${registry.registry} (the plugin's "registry" option in nx.json)`
        : 'janus: no registry is set, so images stay in the local engine; set one before pushing: nx g janus:init --registry=<host[:port]>',
    );
  };
}

export default initGenerator;
