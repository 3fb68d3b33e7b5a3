import type { ExecutorContext } from '@nx/devkit';

/** A hand-built ExecutorContext for one project, as Nx would pass it to an executor. */
export function executorContext(root: string, projectName: string, projectRoot: string): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName,
    projectsConfigurations: { version: 2, projects: { [projectName]: { root: projectRoot } } },
    nxJsonConfiguration: { defaultBase: 'main' },
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}
