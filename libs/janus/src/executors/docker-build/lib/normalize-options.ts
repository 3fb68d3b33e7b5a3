import type { ExecutorContext } from '@nx/devkit';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { type GitFacts, readGitFacts } from '../../../git/git-facts';
import { OptionsError, parseOptions } from '../../../schema/parse-options';
import { type DockerBuildOptions, type ParsedDockerBuildOptions, schema } from '../options-schema';
import { type BuildSecret, resolveSecrets } from './secrets';
import { deriveTags, type DerivedTag } from './tag-rules';
import { ociLabels } from './oci-labels';

export interface NormalizedDockerBuild extends Omit<ParsedDockerBuildOptions, 'secrets' | 'tags' | 'labels' | 'context' | 'file' | 'image' | 'outputPath'> {
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
  context: string;
  file: string;
  secrets: BuildSecret[];
  /** `<registry>/<image>`, or just `<image>` without a registry. */
  repository: string;
  tags: DerivedTag[];
  /** The tag per-platform images are pushed under as `<primaryTag>-<arch>` before the list points at them. */
  primaryTag: string;
  labels: Record<string, string>;
  outputPath: string;
  git: GitFacts;
}

function resolvePath(workspaceRoot: string, base: string, p: string): string {
  return isAbsolute(p) ? p : join(base, p);
}

export async function normalizeOptions(raw: DockerBuildOptions, context: ExecutorContext): Promise<NormalizedDockerBuild> {
  const o = parseOptions(schema, raw, 'janus:docker-build');
  const projectName = context.projectName;
  if (!projectName) throw new Error('janus:docker-build: run it as a project target (nx run <project>:docker-build)');
  const projectRoot = context.projectsConfigurations!.projects[projectName].root;
  const ws = context.root;
  const problems: string[] = [];

  // Relative paths are from the workspace root, as everywhere in project.json, except the defaults.
  const buildContext = o.context ? resolvePath(ws, ws, o.context) : join(ws, projectRoot);
  const file = o.file ? resolvePath(ws, ws, o.file) : join(ws, projectRoot, 'Dockerfile');
  if (!existsSync(buildContext) || !statSync(buildContext).isDirectory())
    problems.push(`'context' = ${JSON.stringify(o.context ?? projectRoot)}: no directory at ${buildContext}`);
  if (!existsSync(file)) problems.push(`'file' = ${JSON.stringify(o.file ?? relative(ws, file))}: no Dockerfile at ${file}`);
  let secrets: BuildSecret[] = [];
  try {
    secrets = resolveSecrets(o.secrets, ws);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (o.push && !o.registry) problems.push(`'push' = true needs a 'registry' to push to`);
  if (problems.length) throw new OptionsError('janus:docker-build', problems);

  const nxJson = context.nxJsonConfiguration as { defaultBase?: string } | undefined;
  const git = await readGitFacts(ws, nxJson?.defaultBase ?? 'main');
  const tags = deriveTags(git, { extra: o.tags, derive: o.deriveTags });
  if (tags.length === 0) tags.push({ tag: 'latest', rule: 'latest' });
  const primaryTag = (tags.find((t) => t.rule === 'sha') ?? tags[0]).tag;
  const image = o.image ?? projectName;
  const labels = { ...ociLabels({ title: projectName, git, tags }), ...o.labels };

  return {
    ...o,
    projectName,
    projectRoot,
    workspaceRoot: ws,
    context: buildContext,
    file,
    secrets,
    repository: o.registry ? `${o.registry}/${image}` : image,
    tags,
    primaryTag,
    labels,
    outputPath: join(ws, o.outputPath ?? join('dist/docker', projectName)),
    git,
  };
}
