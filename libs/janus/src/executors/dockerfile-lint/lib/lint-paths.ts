import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { OptionsError } from '../../../schema/parse-options';
import { outputPathProblem } from '../../../workspace/target-options';

export interface LintPaths {
  projectRoot: string;
  dockerfile: string;
  /** null when the default (beside the Dockerfile) does not exist: JD010 reports that. */
  dockerignore: string | null;
  outputFile?: string;
}

export interface PathOptions {
  dockerfile: string;
  dockerignore?: string;
  outputFile?: string;
}

const SUBJECT = 'janus:dockerfile-lint';

/**
 * Turns the path options into absolute paths and checks each names what it should, so a wrong one fails
 * with the option, its value and what is allowed instead of an EISDIR from deep inside a read. `dockerfile`
 * and `dockerignore` are project-relative, `outputFile` workspace-relative (like every Nx output); absolute
 * paths are taken as they are.
 */
export function resolveLintPaths(options: PathOptions, workspaceRoot: string, projectRootRelative: string): LintPaths {
  const projectRoot = join(workspaceRoot, projectRootRelative);
  const problems: string[] = [];
  const problem = (field: string, value: string, text: string) => problems.push(`'${field}' = ${JSON.stringify(value)}: ${text}`);
  const inProject = (p: string) => resolve(projectRoot, p);

  const dockerfile = inProject(options.dockerfile);
  const fileProblem = (path: string) => (!existsSync(path) ? `no file at ${path}` : statSync(path).isDirectory() ? `${path} is a directory` : undefined);
  const dockerfileProblem = fileProblem(dockerfile);
  if (dockerfileProblem)
    problem(
      'dockerfile',
      options.dockerfile,
      `${dockerfileProblem}; give the Dockerfile's path, relative to the project root (${projectRootRelative}) or absolute`,
    );

  let dockerignore: string | null = null;
  if (options.dockerignore !== undefined) {
    dockerignore = inProject(options.dockerignore);
    const ignoreProblem = fileProblem(dockerignore);
    if (ignoreProblem)
      problem(
        'dockerignore',
        options.dockerignore,
        `${ignoreProblem}; give a .dockerignore file's path, relative to the project root (${projectRootRelative}) or absolute, or leave it out to use the one beside the Dockerfile`,
      );
  } else {
    const beside = join(dirname(dockerfile), '.dockerignore');
    dockerignore = existsSync(beside) && !statSync(beside).isDirectory() ? beside : null;
  }

  let outputFile: string | undefined;
  if (options.outputFile !== undefined) {
    outputFile = isAbsolute(options.outputFile) ? options.outputFile : join(workspaceRoot, options.outputFile);
    const outputProblem = outputPathProblem(outputFile, 'file');
    if (outputProblem) problem('outputFile', options.outputFile, `${outputProblem}; give a file path, relative to the workspace root or absolute`);
  }

  if (problems.length) throw new OptionsError(SUBJECT, problems);
  return { projectRoot, dockerfile, dockerignore, outputFile };
}
