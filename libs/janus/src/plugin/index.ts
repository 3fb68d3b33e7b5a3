// The Nx plugin entry (`"plugin": "janus/plugin"` in nx.json): inference only, so graph computation never loads
// the executors or generators.
export { createDependencies, createNodes } from './create-nodes';
