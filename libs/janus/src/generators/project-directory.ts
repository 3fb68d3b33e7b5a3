import { getProjects, type Tree } from '@nx/devkit';

/** Why a generator cannot create a project in `directory`: it exists, or a file sits on its path. */
export function directoryProblems(tree: Tree, directory: string): string[] {
  // A path through an existing file (package.json/x) could never be written: say so before anything is.
  const parts = directory.split('/');
  const fileOnPath = parts.map((_, i) => parts.slice(0, i + 1).join('/')).find((p) => tree.isFile(p));
  if (fileOnPath && fileOnPath !== directory)
    return [`'directory' = ${JSON.stringify(directory)}: ${fileOnPath} is a file, so nothing can be created under it`];
  if (tree.exists(directory)) return [`'directory' = ${JSON.stringify(directory)}: already exists; choose another --directory or --name`];
  // Inside another project its files would become that project's inputs and build context.
  const enclosing = [...getProjects(tree)].find(([, p]) => p.root && p.root !== '.' && directory.startsWith(`${p.root.replace(/\/+$/, '')}/`));
  if (enclosing)
    return [`'directory' = ${JSON.stringify(directory)}: inside the project ${enclosing[0]} (${enclosing[1].root}); choose a directory outside it`];
  return [];
}
