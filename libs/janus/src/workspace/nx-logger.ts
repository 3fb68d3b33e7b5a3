// Nx's logger: the very object @nx/devkit re-exports, taken from the module that defines it. Loading
// @nx/devkit's index costs an executor run about 0.2 s (it loads the whole devkit, mostly generator
// utilities), while this module is already loaded in every Nx process. nx is a peer dependency (>=22 <24),
// and this path exists in both.
export { logger } from 'nx/src/utils/logger';
