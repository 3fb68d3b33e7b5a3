import type { ExecutorContext } from '@nx/devkit';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DockerfileModel } from '../../../dockerfile/dockerfile-model';
import type { LayerCacheRequest } from '../../../engine/build-engines/build-engine';
import { type BuilderEndpoint, configuredBuilders, isLocalEndpoint } from '../../../engine/builder-endpoints';
import { chooseEngine, type EngineTarget } from '../../../engine/engine-choice';
import { type GitFacts, lastChangeOf, treeDirty } from '../../../git/git-facts';
import { defaultBuildRecordDir } from '../../../image/build-record';
import { type ResolvedSecret, resolveSecret, resolveSecrets } from '../../../image/secret-spec';
import { dockerfileSources, imagePathspecs } from '../../../plugin/dockerfile-sources';
import { janusPluginEntryOptions, normalizePluginOptions, type NormalizedPluginOptions, SET_REGISTRY_HINT } from '../../../workspace/plugin-options';
import { OptionsError, parseOptions } from '../../../schema/parse-options';
import { type MachineSettings, machineSettings, NPM_CA_SECRET, NPM_REGISTRY_ARG } from '../../../workspace/machine-settings';
import { outputPathProblem, workspacePath } from '../../../workspace/target-options';
import { type DockerBuildOptions, type ParsedDockerBuildOptions, schema } from '../options-schema';
import { finalBaseImage } from './base-image';
import { gitFactsFor } from './build-facts';
import { createdTime, ociLabels } from './oci-labels';
import { type DerivedTag, tagsFor } from './tag-rules';
import { logger } from '../../../workspace/nx-logger';
import { UserError } from '../../../errors/user-error';

/** What the lint before the build needs of the project's dockerfile-lint target, read leniently: that target validates its own options. */
export interface LintSettings {
  port?: number;
  ignore?: string[];
  dockerignore?: string;
}

export const LINT_TARGET = 'dockerfile-lint';

export interface NormalizedDockerBuild extends Omit<
  ParsedDockerBuildOptions,
  'secrets' | 'tags' | 'labels' | 'context' | 'file' | 'image' | 'outputPath' | 'lint' | 'stage' | 'keepImagesIn' | 'registry'
> {
  /** The registry host[:port] images are tagged for: the target's, else the workspace's; '' for none. */
  registry: string;
  /** Where the platform images are kept once built: `registry` pushes them by digest as part of the build. */
  keepImagesIn: 'engine' | 'registry';
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
  context: string;
  file: string;
  dockerfile: string;
  secrets: ResolvedSecret[];
  /** `<registry>/<image>`, or just `<image>` without a registry. */
  repository: string;
  tags: DerivedTag[];
  /** The tag per-platform images are pushed under as `<primaryTag>-<arch>` before the list points at them. */
  primaryTag: string;
  labels: Record<string, string>;
  /** Where `org.opencontainers.image.created` came from, for the summary. */
  createdFrom: string;
  /** That time in seconds since the epoch: no file time in the image's own layers is later (with `reproducible`). */
  createdEpoch: number;
  /** BuildKit's layer cache through the registry; undefined with noCache. */
  layerCache?: LayerCacheRequest;
  /** The image the final stage (or target) is built FROM, as written. */
  baseImage?: string;
  outputPath: string;
  git: GitFacts;
  /** The engine (and its socket) the build, its tags and pushes go to: the option, else JANUS_ENGINE, the plugin option, what runs. */
  engineTarget: EngineTarget;
  /** false when the build is not to lint its Dockerfile first. */
  lint: false | LintSettings;
  /** The engine each platform is built on, where one is set (JANUS_BUILDERS, the plugin's `builders`); else the local engine. */
  builders: Map<string, BuilderEndpoint>;
}

const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', '.nx']);

/** The newest modification time under a build context: the created time of last resort, stable across no-change rebuilds. */
export function newestMtime(dir: string, limit = 20_000): Date {
  let newest = 0;
  let seen = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (++seen > limit) return;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(join(d, entry.name));
      } else if (entry.isFile()) {
        newest = Math.max(newest, statSync(join(d, entry.name)).mtimeMs);
      }
    }
  };
  walk(dir);
  return new Date(Math.floor(newest / 1000) * 1000);
}

function lintSettings(context: ExecutorContext): LintSettings {
  const options = (context.projectsConfigurations?.projects[context.projectName!]?.targets?.[LINT_TARGET]?.options ?? {}) as Record<string, unknown>;
  return {
    port: typeof options.port === 'number' ? options.port : undefined,
    ignore: Array.isArray(options.ignore) ? options.ignore.filter((id): id is string => typeof id === 'string') : undefined,
    dockerignore: typeof options.dockerignore === 'string' && options.dockerignore ? options.dockerignore : undefined,
  };
}

/** The janus plugin options in nx.json: where the workspace names its registry and its machines' defaults. */
function workspaceOptions(context: ExecutorContext): Partial<NormalizedPluginOptions> {
  const raw = janusPluginEntryOptions(context.nxJsonConfiguration);
  return raw === undefined ? {} : normalizePluginOptions(raw);
}

/** What a target that needs a registry says when neither it nor the workspace names one. */
export function noRegistryProblem(option: string, why: string, target: string): string {
  return `${option} needs a registry ${why}, and none is set for ${target}: ${SET_REGISTRY_HINT} or pass --registry=<host[:port]>`;
}

/**
 * The machine's settings applied to one build, unless the target says otherwise: its network, its npm CA bundle as the
 * npm-ca secret (the templates mount it optionally), its npm registry as the NPM_REGISTRY build arg where the
 * Dockerfile declares one. None of them is a task input: they decide how the build reaches npm, not what it builds.
 */
function withMachine(
  o: { network?: MachineSettings['network']; buildArgs: Record<string, string> },
  secrets: ResolvedSecret[],
  machine: MachineSettings,
  dockerfile: string,
): { network?: MachineSettings['network']; buildArgs: Record<string, string>; secrets: ResolvedSecret[] } {
  const buildArgs = { ...o.buildArgs };
  if (machine.npmRegistry && !(NPM_REGISTRY_ARG in buildArgs) && new RegExp(`^\\s*ARG\\s+${NPM_REGISTRY_ARG}\\b`, 'im').test(dockerfile)) {
    buildArgs[NPM_REGISTRY_ARG] = machine.npmRegistry;
  }
  const withCa =
    machine.npmCaFile && !secrets.some((s) => s.id === NPM_CA_SECRET)
      ? [...secrets, resolveSecret(`id=${NPM_CA_SECRET},src=${machine.npmCaFile}`, '/')]
      : secrets;
  return { network: o.network ?? machine.network, buildArgs, secrets: withCa };
}

function stageNames(dockerfile: string): string[] {
  return new DockerfileModel(dockerfile).stages.map((s) => s.name).filter((n): n is string => Boolean(n));
}

/**
 * Where the build reads and writes BuildKit's layer cache. By default it reads what the default branch
 * published (`latest`) and this branch's own tag, which is where a fleet's earlier builds of the same code
 * are; a pull request reads them too but never writes a registry cache, so an untrusted change cannot seed
 * layers that trusted builds would reuse.
 */
export function layerCacheFor(
  o: Pick<ParsedDockerBuildOptions, 'cacheFrom' | 'cacheTo' | 'noCache' | 'registry'>,
  repository: string,
  tags: DerivedTag[],
  git: GitFacts,
): LayerCacheRequest | undefined {
  if (o.noCache) return undefined;
  const defaults = o.registry ? ['latest', ...tags.filter((t) => t.rule === 'branch').map((t) => t.tag)].map((t) => `${repository}:${t}`) : [];
  const from = [...new Set(o.cacheFrom ?? defaults)];
  const trusted = !git.prNumber;
  if (o.cacheTo === 'none' && from.length === 0) return undefined;
  return {
    from,
    inline: o.cacheTo === 'inline',
    registryRef: o.cacheTo === 'registry' ? `${repository}:buildcache` : undefined,
    write: trusted,
  };
}

/** Checks everything that can be known before a build starts, and reports every problem at once. */
export async function normalizeOptions(raw: DockerBuildOptions, context: ExecutorContext): Promise<NormalizedDockerBuild> {
  // git's answers are on their way while the options and files are checked (the executor asked even earlier);
  // marked handled so invalid options, reported first, leave no unhandled rejection behind.
  const gitFacts = gitFactsFor(context);
  gitFacts.catch(() => undefined);
  const o = parseOptions(schema, raw, 'janus:docker-build');
  const projectName = context.projectName;
  if (!projectName) throw new UserError('janus:docker-build: run it as a project target (nx run <project>:docker-build)');
  const projectRoot = context.projectsConfigurations!.projects[projectName].root;
  const ws = context.root;
  const problems: string[] = [];
  const workspace = workspaceOptions(context);
  const registry = o.registry ?? workspace.registry ?? '';
  const targetName = `${projectName}:${context.targetName ?? 'docker-build'}`;
  const machine = machineSettings(ws, workspace);
  problems.push(...machine.problems);
  let engineTarget: EngineTarget | undefined;
  try {
    const option = o.engine === 'auto' ? undefined : o.engine === 'podman' ? 'podman' : 'docker';
    engineTarget = chooseEngine({ option, pluginOption: workspace.engine });
  } catch (e) {
    problems.push((e as Error).message);
  }

  const builders = configuredBuilders(workspace.builders);
  problems.push(...builders.problems);
  // An image built on another engine is in that engine only: the registry is where this machine can test and publish it.
  const remote = o.platforms.filter((p) => builders.builders.has(p) && !isLocalEndpoint(builders.builders.get(p)!));
  const remoteNames = remote.map((p) => `${p} on ${builders.builders.get(p)!.endpoint}`).join(', ');
  // 'stage' is keepImagesIn's deprecated name (Nx warns of it); both set must agree.
  const keepImagesIn = o.keepImagesIn ?? o.stage;
  if (o.stage && o.keepImagesIn && o.stage !== o.keepImagesIn)
    problems.push(
      `'stage' = ${JSON.stringify(o.stage)}: 'stage' is the old name of 'keepImagesIn', which says ${JSON.stringify(o.keepImagesIn)}; keep only 'keepImagesIn'`,
    );
  if (remote.length && keepImagesIn === 'engine')
    problems.push(
      `'keepImagesIn' = "engine" cannot be combined with builders on other engines (${remoteNames}): their images stay there; keep them in the registry`,
    );
  else if (remote.length && !registry) problems.push(noRegistryProblem(`builders on other engines (${remoteNames})`, 'to keep their images in', targetName));
  const buildContext = o.context ? workspacePath(ws, o.context) : join(ws, projectRoot);
  const file = o.file ? workspacePath(ws, o.file) : join(ws, projectRoot, 'Dockerfile');
  if (!existsSync(buildContext) || !statSync(buildContext).isDirectory()) {
    problems.push(`'context' = ${JSON.stringify(o.context ?? projectRoot)}: no directory at ${buildContext}; give the build context directory`);
  }
  // `nx run` consumes --target itself (it names the Nx target), so the command line says --targetStage instead.
  if (o.targetStage && o.target && o.targetStage !== o.target)
    problems.push(`'targetStage' = ${JSON.stringify(o.targetStage)}: differs from 'target' = ${JSON.stringify(o.target)}; give one stage to build`);
  const target = o.targetStage ?? o.target;
  const outputPath = workspacePath(ws, o.outputPath ?? defaultBuildRecordDir(projectName));
  const outputProblem = outputPathProblem(outputPath, 'directory');
  if (outputProblem)
    problems.push(
      `'outputPath' = ${JSON.stringify(o.outputPath ?? relative(ws, outputPath))}: ${outputProblem}; give a directory for metadata.json, relative to the workspace root or absolute`,
    );
  let dockerfile = '';
  if (!existsSync(file)) problems.push(`'file' = ${JSON.stringify(o.file ?? relative(ws, file))}: no Dockerfile at ${file}`);
  else if (!statSync(file).isFile())
    problems.push(`'file' = ${JSON.stringify(o.file ?? relative(ws, file))}: ${file} is a directory; give the Dockerfile's path`);
  else dockerfile = readFileSync(file, 'utf8');
  if (dockerfile && target) {
    const stages = stageNames(dockerfile);
    if (!stages.some((s) => s.toLowerCase() === target.toLowerCase())) {
      problems.push(
        `'${o.targetStage ? 'targetStage' : 'target'}' = ${JSON.stringify(target)}: the Dockerfile has no stage of that name (stages: ${stages.join(', ') || 'none named'})`,
      );
    }
  }
  const resolved = resolveSecrets(o.secrets, ws, 'secrets');
  problems.push(...resolved.problems);
  if (o.push && !registry) problems.push(noRegistryProblem(`'push' = true`, 'to push to', targetName));
  if (o.push && keepImagesIn === 'engine')
    problems.push(`'keepImagesIn' = "engine" cannot be combined with 'push' = true: pushed images are kept in the registry`);
  if (keepImagesIn === 'registry' && !registry) problems.push(noRegistryProblem(`'keepImagesIn' = "registry"`, 'to keep the images in', targetName));
  if (o.cacheTo === 'registry' && !registry) problems.push(noRegistryProblem(`'cacheTo' = "registry"`, 'to keep the cache in', targetName));
  if (problems.length) throw new OptionsError('janus:docker-build', problems);

  const head = await gitFacts;
  // The commit that last changed the build's paths dates a base image; whether the tree is dirty is asked of what
  // the image is made of (its Dockerfile and COPY sources), exactly as inference hashes it.
  const paths = [relative(ws, buildContext) || '.', relative(ws, file)];
  const made = imagePathspecs(relative(ws, buildContext), relative(ws, file), dockerfileSources(dockerfile, o.buildArgs));
  const [lastChange, dirty] = await Promise.all([o.revisionFrom === 'inputs' ? lastChangeOf(ws, paths) : undefined, head.sha ? treeDirty(ws, made) : false]);
  const git = { ...head, ...lastChange, ...(dirty ? { dirty } : {}) };
  const { tags, dropped } = tagsFor(git, { extra: o.tags, derive: o.deriveTags });
  if (tags.length === 0) tags.push({ tag: 'latest', rule: 'latest' });
  if (git.dirty) {
    if (o.push && !o.allowDirty)
      throw new OptionsError('janus:docker-build', [
        `'push' = true on a dirty tree (tracked files in ${paths.join(', ')} differ from ${git.sha.slice(0, 7)}; see git status): commit first, or pass --allowDirty to publish only the ${tags[0].tag} tag`,
      ]);
    logger.warn(
      `janus:docker-build: tracked files in ${paths.join(', ')} differ from ${git.sha.slice(0, 7)}, so the image is tagged ${tags[0].tag} only` +
        (dropped.length ? `, not ${dropped.join(', ')}` : ''),
    );
  }
  const primaryTag = (tags.find((t) => t.rule === 'sha') ?? tags[0]).tag;
  const image = o.image ?? projectName;
  const repository = registry ? `${registry}/${image}` : image;
  const created = createdTime({ git, newestInputMtime: () => newestMtime(buildContext) });
  const labels = { ...ociLabels({ title: projectName, git, tags, created: created.iso }), ...o.labels };

  const applied = withMachine(o, resolved.secrets, machine.settings, dockerfile);
  return {
    ...o,
    ...applied,
    registry,
    projectName,
    projectRoot,
    workspaceRoot: ws,
    context: buildContext,
    file,
    dockerfile,
    repository,
    tags,
    primaryTag,
    labels,
    createdFrom: created.source,
    createdEpoch: Math.floor(Date.parse(created.iso) / 1000),
    baseImage: finalBaseImage(dockerfile, applied.buildArgs, target),
    layerCache: layerCacheFor({ ...o, registry }, repository, tags, git),
    target,
    outputPath,
    git,
    engineTarget: engineTarget!,
    lint: o.lint && lintSettings(context),
    keepImagesIn: keepImagesIn ?? (o.push || remote.length ? 'registry' : 'engine'),
    builders: builders.builders,
  };
}
