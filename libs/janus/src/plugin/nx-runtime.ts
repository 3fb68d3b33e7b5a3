import type * as Devkit from '@nx/devkit';
import type * as DevkitInternal from '@nx/devkit/internal';
import { installedNxVersion } from '../workspace/nx-version';
import { SUPPORTED_NX, unsupportedNx } from './supported-nx';

/**
 * The few Nx functions a project graph computation needs from this plugin, taken from the nx modules that
 * define them rather than through `@nx/devkit`. Nx computes the graph in a plugin worker process that has
 * already loaded those modules for itself, so taking them costs nothing, whereas `require('@nx/devkit')` loads
 * its whole public API (formatFiles, the task runner, the generator helpers) and `@nx/devkit/internal` more:
 * measured at 50 projects, about 0.22 s of CPU per graph computation, several times what janus's warm inference
 * itself costs. Each one falls back to the public API when its module is not where this Nx version keeps it,
 * so another Nx version within the peer range only loses the saving (Nx 22.6 and 24.0 keep every one of them
 * where 23.2 does). A spec checks that each is the very
 * function @nx/devkit exports.
 */
export function fromNx<T>(module: string, name: string, fallback: string): () => T {
  let value: T | undefined;
  return () => {
    if (value !== undefined) return value;
    const load = (id: string): T | undefined => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- chosen at run time on purpose, see above
        return (require(id) as Record<string, T | undefined>)[name];
      } catch {
        return undefined;
      }
    };
    value = load(`nx/src/${module}`) ?? load(fallback);
    if (value === undefined) {
      // One line naming what janus needs (nx's stack through the plugin worker says nothing useful).
      const problem =
        unsupportedNx() ??
        `janus needs '${name}' from nx/src/${module} or ${fallback}, which this nx ${installedNxVersion()} does not provide (supported: nx ${SUPPORTED_NX})`;
      const error = new Error(problem);
      error.stack = problem;
      throw error;
    }
    return value;
  };
}

export const nx = {
  createNodesFromFiles: fromNx<typeof Devkit.createNodesFromFiles>('project-graph/plugins/utils', 'createNodesFromFiles', '@nx/devkit'),
  logger: fromNx<typeof Devkit.logger>('utils/logger', 'logger', '@nx/devkit'),
  DependencyType: fromNx<typeof Devkit.DependencyType>('config/project-graph', 'DependencyType', '@nx/devkit'),
  validateDependency: fromNx<typeof Devkit.validateDependency>('project-graph/project-graph-builder', 'validateDependency', '@nx/devkit'),
  hashObject: fromNx<typeof DevkitInternal.hashObject>('hasher/file-hasher', 'hashObject', '@nx/devkit/internal'),
  workspaceDataDirectory: fromNx<string>('utils/cache-directory', 'workspaceDataDirectory', '@nx/devkit/internal'),
};
