// The names nx.json and project.json use for the plugin's parts. Kept free of imports, so a project-graph computation
// that needs a name never loads zod or a generator.

/** How nx.json names the plugin (its `plugins` entry). */
export const PLUGIN_ENTRY = 'janus/plugin';

/** The sync generator, as nx.json's `sync.globalGenerators` and a target's `syncGenerators` list it. */
export const SYNC_GENERATOR = 'janus:sync';
