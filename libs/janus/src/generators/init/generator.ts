import { formatFiles, logger, readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { assertSupportedNx } from '../../plugin/supported-nx';
import { parseOptions } from '../../schema/parse-options';
import { type InitGeneratorOptions, schema } from './options-schema';

export const PLUGIN_ENTRY = 'janus/plugin';
// Named here, not imported from the sync generator, which imports this module.
const SYNC_GENERATOR = 'janus:sync';

/** Whether nx.json already lists the plugin, in either of the forms Nx accepts. */
export function hasJanusPlugin(tree: Tree): boolean {
  return (readNxJson(tree)?.plugins ?? []).some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_ENTRY);
}

/**
 * `nx add janus` runs this: the inference plugin goes into nx.json once (an existing entry and its options are
 * kept), and janus:sync joins the global sync generators, so `nx sync:check` in CI refuses template drift.
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
  if (plugin || sync) updateNxJson(tree, nxJson);
  if (!options.skipFormat) await formatFiles(tree);
  return () =>
    logger.info(
      `janus: ${PLUGIN_ENTRY} is registered in nx.json (projects with a janus.json get their container targets inferred), and ${SYNC_GENERATOR} runs with nx sync`,
    );
}

export default initGenerator;
