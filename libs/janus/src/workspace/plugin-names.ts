// The names nx.json and project.json use for the plugin's parts. Kept free of imports, so a project-graph computation
// that needs a name never loads zod or a generator.

/** The package the plugin is published as: scoped, since the public npm registry's `janus` is someone else's. */
export const PACKAGE_NAME = '@janus-containers/nx';

/** The name workspaces use for it (`nx g janus:…`, `janus:docker-build`): an alias that init writes (init/janus-alias.ts). */
export const COLLECTION = 'janus';

/** How nx.json names the plugin (its `plugins` entry). */
export const PLUGIN_ENTRY = `${COLLECTION}/plugin`;

/** The sync generator, as nx.json's `sync.globalGenerators` and a target's `syncGenerators` list it. */
export const SYNC_GENERATOR = 'janus:sync';
