import { formatFiles, logger, readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { parseOptions } from '../../schema/parse-options';
import { type InitGeneratorOptions, schema } from './options-schema';

export const PLUGIN_ENTRY = 'janus/plugin';

/** Whether nx.json already lists the plugin, in either of the forms Nx accepts. */
export function hasJanusPlugin(tree: Tree): boolean {
  return (readNxJson(tree)?.plugins ?? []).some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_ENTRY);
}

/** `nx add janus` runs this: the inference plugin goes into nx.json once; an existing entry and its options are kept. */
export async function initGenerator(tree: Tree, raw: InitGeneratorOptions = {}) {
  const options = parseOptions(schema, raw, 'janus:init');
  if (!hasJanusPlugin(tree)) {
    const nxJson = readNxJson(tree) ?? {};
    nxJson.plugins = [...(nxJson.plugins ?? []), { plugin: PLUGIN_ENTRY, options: {} }];
    updateNxJson(tree, nxJson);
  }
  if (!options.skipFormat) await formatFiles(tree);
  return () => logger.info(`janus: ${PLUGIN_ENTRY} is registered in nx.json; projects with a janus.json get their container targets inferred`);
}

export default initGenerator;
