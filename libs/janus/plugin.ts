// `janus/plugin` in an installed package: the inference entry, kept apart from the executors so computing the
// project graph loads as little as possible.
export { createDependencies, createNodes } from './src/plugin';
