import type { CreateNodesContext, TargetConfiguration } from '@nx/devkit';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { IMAGE_DIGESTS_FILE } from '../image/record-files';
import { parseImageReference } from '../oci/image-reference';
import { templatesDir } from '../rendering/templates-dir';
import { templateSources } from '../rendering/template-sources';
import { COMPOSE_FILE_NAMES, readComposeServices } from '../compose/compose-file';
import { composeTargets, dockerBuildFactInputs, janusTargets, splitBuildTargets } from '../targets/janus-targets';
import { platformTagSuffix } from '../oci/platform';
import { contextFilesRead } from './context-files';
import { imagePathspecs } from './dockerfile-sources';
import { dockerfileSources } from './dockerfile-sources';
import { PLUGIN_ROOT } from './plugin-version';
import type { NormalizedPluginOptions } from '../workspace/plugin-options';
import { COLLECTION, PACKAGE_NAME } from '../workspace/plugin-names';
import type { InferenceReads } from './inference-cache';
import { type JanusJson, parseJanusJson } from '../rendering/janus-json';
import { nx } from './nx-runtime';
import { BASELINE_SIZE_BUDGET_MB } from './plugin-defaults';

// Inference of one project's targets: loaded by createNodes on a cache miss only, so a warm graph never parses a
// Dockerfile, walks a context or reads a template.

/** What inference learned about one project, kept in its metadata so createDependencies need not parse again. */
export interface JanusProjectFacts {
  /** The repository this project's image is pushed as, without registry: `team/app`, `library/python`. */
  repository: string;
  baseImages: string[];
  /** Workspace-relative paths of the context files its build reads. */
  readsFiles: string[];
  problems: string[];
}

// What a base image cannot be asked for: a non-root final user, a HEALTHCHECK, an EXPOSEd port. Those are
// the images built FROM it's business.
const BASE_IMAGE_LINT_IGNORES = ['JD001', 'JD002', 'JD003'];
// A runtime container runs a CLI, not a server: there is no port to EXPOSE.
const RUNTIME_LINT_IGNORES = ['JD003'];

/** janus.json's `inputs` as the build's inputs: the schema has checked each is a glob inside the project. */
function recipeInputs(janus: JanusJson | undefined): string[] {
  return (janus?.inputs ?? []).map((g) => g.replace(/^\.\//, ''));
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

/** Docker-build options a project.json sets for itself: inference must read the files the real build will read. */
function configuredBuildOptions(workspaceRoot: string, projectRoot: string, buildTarget: string): Record<string, unknown> {
  const project = readJson<{ targets?: Record<string, { options?: Record<string, unknown> }> }>(join(workspaceRoot, projectRoot, 'project.json'));
  return project?.targets?.[buildTarget]?.options ?? {};
}

/** The project's name: the one project.json or package.json gives, else one derived from its path (then inference names it). */
function projectName(workspaceRoot: string, projectRoot: string): { name: string; declared: boolean } {
  const declared =
    readJson<{ name?: string }>(join(workspaceRoot, projectRoot, 'project.json'))?.name ??
    readJson<{ name?: string }>(join(workspaceRoot, projectRoot, 'package.json'))?.name;
  return declared ? { name: declared, declared: true } : { name: projectRoot.replace(/[\\/\s]+/g, '-').toLowerCase(), declared: false };
}

/** Whether the plugin runs from this workspace's own sources or build (the janus repository), not an install. */
function pluginIsLocal(workspaceRoot: string): boolean {
  const real = realpathSync(PLUGIN_ROOT);
  return !relative(workspaceRoot, real).startsWith('..') && !real.includes(`${'/'}node_modules${'/'}`);
}

/**
 * The templates folder whose files are build inputs: a JANUS_TEMPLATES_DIR inside the workspace; for a plugin
 * built in this workspace, the `templates/` it was built from (its build carries an untracked copy, which Nx
 * does not hash); none for an installed plugin, whose version is the input instead.
 */
function templateRootForInputs(workspaceRoot: string): string | undefined {
  const root = process.env.JANUS_TEMPLATES_DIR ? templatesDir() : pluginIsLocal(workspaceRoot) ? join(workspaceRoot, 'templates') : undefined;
  return root && !relative(workspaceRoot, root).startsWith('..') && existsSync(join(root, 'partials')) ? root : undefined;
}

const LOCK_FILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'];

/** The plugin's own code as a task input: a project in this workspace, or an installed package. */
function pluginInputs(workspaceRoot: string): TargetConfiguration['inputs'] {
  if (pluginIsLocal(workspaceRoot)) return [{ input: 'production', projects: ['janus'] }];
  const pkg = readJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(join(workspaceRoot, 'package.json'));
  // The scoped package when installed under its own name; the `janus` alias (`janus@npm:…`) otherwise. A local
  // path (the alias init writes, `file:libs/janus` in this repository) carries no version and is no npm node in
  // Nx's graph, so it is never the input.
  const spec = (name: string) => pkg?.dependencies?.[name] ?? pkg?.devDependencies?.[name];
  const declared = [PACKAGE_NAME, COLLECTION].find((name) => {
    const s = spec(name);
    return s !== undefined && !/^(file|link|workspace|portal):/.test(s);
  });
  // Nx makes its npm nodes from the lock file: without one, naming the package would fail every task's hash.
  if (!declared || !LOCK_FILES.some((f) => existsSync(join(workspaceRoot, f)))) return [];
  return [{ externalDependencies: [declared] }];
}

const workspaceFacts = new Map<string, { templateRoot?: string; plugin: TargetConfiguration['inputs'] }>();

/** Facts of the workspace, not of a project: found once per workspace (and templates override), not per Dockerfile. */
function inputsOfWorkspace(workspaceRoot: string) {
  const key = `${workspaceRoot}\0${process.env.JANUS_TEMPLATES_DIR ?? ''}`;
  let facts = workspaceFacts.get(key);
  if (!facts) {
    facts = { templateRoot: templateRootForInputs(workspaceRoot), plugin: pluginInputs(workspaceRoot) };
    workspaceFacts.set(key, facts);
  }
  return facts;
}

/**
 * A project whose janus.json cannot be read: it stays in the graph (the rest of the graph is unaffected), and
 * each janus target fails naming the file, rather than building with defaults it never asked for.
 */
function unreadableRecordProject(projectRoot: string, project: { name: string; declared: boolean }, problem: string, options: NormalizedPluginOptions) {
  const message = `janus: ${problem}; fix it (or delete it to leave this Dockerfile to you) before running janus targets`;
  const names = options.targetNames;
  const targets: Record<string, TargetConfiguration> = Object.fromEntries(
    [names.lint, names.build, names.contract, names.push, names.run].map((name) => [
      name,
      { executor: 'janus:problem', options: { message }, metadata: { technologies: ['docker'], description: message } },
    ]),
  );
  const facts: JanusProjectFacts = { repository: parseImageReference(project.name).repository, baseImages: [], readsFiles: [], problems: [problem] };
  return {
    projects: {
      [projectRoot]: { root: projectRoot, ...(project.declared ? {} : { name: project.name }), targets, metadata: { janus: facts } },
    },
  };
}

/**
 * One project's targets and facts from its Dockerfile. `reads` collects what this inference read (the files whose
 * content and the folders whose listing it used), so the plugin's cache can tell from stats when to infer again.
 */
export function inferTargets(
  dockerfilePath: string,
  options: NormalizedPluginOptions,
  context: CreateNodesContext,
  reads: InferenceReads = { files: [], listings: [], trees: [] },
) {
  const ws = context.workspaceRoot;
  const projectRoot = dirname(dockerfilePath);
  reads.files.push(...['janus.json', 'project.json', 'package.json'].map((f) => join(projectRoot, f)), 'package.json');
  let janus: JanusJson | undefined;
  const janusPath = join(ws, projectRoot, 'janus.json');
  if (existsSync(janusPath)) {
    const parsed = parseJanusJson(readFileSync(janusPath, 'utf8'), `${projectRoot}/janus.json`);
    if (parsed.problem !== undefined) {
      // Said once, when inference meets it (the cache keeps the result until janus.json changes); the targets say it on every run.
      nx.logger().warn(`janus: ${parsed.problem}; the janus targets of ${projectRoot} fail until it is fixed`);
      return unreadableRecordProject(projectRoot, projectName(ws, projectRoot), parsed.problem, options);
    }
    janus = parsed.json;
  }
  const port = janus?.options?.port ?? 8080;
  const names = options.targetNames;
  const configured = configuredBuildOptions(ws, projectRoot, names.build);
  const contextDir = typeof configured.context === 'string' ? join(ws, configured.context) : join(ws, projectRoot);
  const file = typeof configured.file === 'string' ? configured.file : dockerfilePath;
  const buildArgs = (configured.buildArgs ?? {}) as Record<string, string>;
  const fromWs = (p: string) => relative(ws, p).split('\\').join('/');
  const inWorkspace = (p: string) => !fromWs(p).startsWith('..');
  reads.files.push(fromWs(join(ws, file)), fromWs(join(contextDir, '.dockerignore')));
  reads.listings.push(fromWs(contextDir) || '.');

  const facts: JanusProjectFacts = { repository: '', baseImages: [], readsFiles: [], problems: [] };
  let sources = { baseImages: [] as string[], contextSources: [] as string[], unresolved: [] as string[] };
  try {
    sources = dockerfileSources(readFileSync(join(ws, file), 'utf8'), buildArgs);
  } catch (e) {
    facts.problems.push(`${file} could not be read as a Dockerfile: ${(e as Error).message}`);
  }
  const read = contextFilesRead(contextDir, sources.contextSources, sources.unresolved);
  facts.problems.push(...read.problems.map((p) => `${file}: ${p}`));
  facts.baseImages = sources.baseImages;
  facts.readsFiles = read.files.map((f) => fromWs(join(contextDir, f)));
  const project = projectName(ws, projectRoot);
  const image = typeof configured.image === 'string' ? configured.image : project.name;
  facts.repository = parseImageReference(image).repository;

  const { templateRoot, plugin } = inputsOfWorkspace(ws);
  if (janus?.template) {
    for (const root of [...(templateRoot ? [templateRoot] : []), ...(options.templatesDir ? [join(ws, options.templatesDir)] : [])])
      if (inWorkspace(root)) reads.trees.push(fromWs(root));
  }
  const templateInputs =
    janus?.template && templateRoot
      ? templateSources(templateRoot, janus.template, janus.options?.flavor).map((f) => `{workspaceRoot}/${fromWs(join(templateRoot, f))}`)
      : [];
  // The workspace's own partials and set files (templatesDir) replace the plugin's when it renders: they are
  // what the project was rendered from, so they are its inputs too.
  if (janus?.template && options.templatesDir) {
    const overrideRoot = join(ws, options.templatesDir);
    templateInputs.push(...templateSources(overrideRoot, janus.template, janus.options?.flavor).map((f) => `{workspaceRoot}/${fromWs(join(overrideRoot, f))}`));
    for (const f of templateSources(templateRoot ?? templatesDir(), janus.template, janus.options?.flavor)) {
      if (f.startsWith('partials/') && existsSync(join(overrideRoot, f))) templateInputs.push(`{workspaceRoot}/${fromWs(join(overrideRoot, f))}`);
    }
  }

  const targets = janusTargets({ port });
  const rename: Record<string, string> = {
    'dockerfile-lint': names.lint,
    'docker-build': names.build,
    'contract-test': names.contract,
    'docker-push': names.push,
    'docker-run': names.run,
  };
  if (janus?.kind === 'base-image') {
    delete targets['contract-test'];
    delete targets['docker-run'];
    delete targets['docker-logs'];
    delete targets['docker-stop'];
    targets['dockerfile-lint'].options = { ignore: BASE_IMAGE_LINT_IGNORES };
    targets['docker-push'] = { ...targets['docker-push'], dependsOn: ['docker-build'], options: { requireContract: false } };
  }
  if (janus?.kind === 'runtime') {
    // A CLI runtime serves no port: no EXPOSE to ask for, no server to run; its contract is the runtime one.
    delete targets['docker-run'];
    delete targets['docker-logs'];
    delete targets['docker-stop'];
    targets['dockerfile-lint'].options = { ignore: RUNTIME_LINT_IGNORES };
    const bin = typeof janus.options?.bin === 'string' ? janus.options.bin : 'agent';
    const version = typeof janus.options?.version === 'string' ? { expectedVersion: janus.options.version } : {};
    targets['contract-test'].options = { kind: 'runtime', versionCommand: [bin, '--version'], ...version };
  }
  const build = targets['docker-build'];
  // A base image rebuilt at a commit that left it alone must keep its digest, or everything FROM it rebuilds.
  // The workspace's registry is an option of the target (so a task hash covers it, and `nx show project` shows it).
  build.options = {
    ...build.options,
    platforms: options.platforms,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(janus?.kind === 'base-image' ? { revisionFrom: 'inputs' } : {}),
    ...(janus?.template === 'baseline' ? { sizeBudgetMb: BASELINE_SIZE_BUDGET_MB } : {}),
  };
  if (janus?.template === 'baseline' && targets['contract-test']) {
    targets['contract-test'].options = { ...targets['contract-test'].options, sizeBudgetMb: BASELINE_SIZE_BUDGET_MB };
  }
  const extraInputs = recipeInputs(janus);
  build.inputs = [
    `{workspaceRoot}/${fromWs(join(ws, file))}`,
    `{workspaceRoot}/${fromWs(join(contextDir, '.dockerignore'))}`,
    `{projectRoot}/janus.json`,
    ...extraInputs.map((g) => `{projectRoot}/${g}`),
    ...facts.readsFiles.map((f) => `{workspaceRoot}/${f}`),
    ...templateInputs,
    ...(plugin ?? []),
    // A base image built in this workspace: what it built (its digests, not its record's timings) is an input.
    { dependentTasksOutputFiles: `**/${IMAGE_DIGESTS_FILE}`, transitive: true },
    // Whether what the image is made of is dirty, as the build itself decides it (its Dockerfile and COPY sources).
    ...dockerBuildFactInputs(imagePathspecs(fromWs(contextDir), fromWs(join(ws, file)), sources)),
  ];
  // The contract's own checks are plugin code: a changed check proves the image again.
  const contract = targets['contract-test'];
  if (contract) contract.inputs = [...(contract.inputs ?? []), ...(plugin ?? [])];
  if (facts.problems.length) {
    // The project stays in the graph and the rest of it is unaffected; `nx show project` says what is wrong.
    for (const target of [build, targets['dockerfile-lint']]) {
      target.metadata = { ...target.metadata, description: `${target.metadata?.description ?? ''} Problems: ${facts.problems.join('; ')}`.trim() };
    }
  }
  const renamed: Record<string, TargetConfiguration> = {};
  for (const [name, target] of Object.entries(targets)) {
    renamed[rename[name] ?? name] = {
      ...target,
      dependsOn: target.dependsOn?.map((d) => (typeof d === 'string' ? d.replace(/^(\^?)(.+)$/, (_m, up: string, n: string) => up + (rename[n] ?? n)) : d)),
    };
  }
  if (options.splitPlatforms) {
    const platforms = options.platforms
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const name = project.name;
    Object.assign(
      renamed,
      splitBuildTargets(renamed[names.build], names.build, platforms, (suffix) => `dist/docker-platforms/${name}/${suffix}`, platformTagSuffix),
    );
  }
  return {
    projects: {
      [projectRoot]: {
        root: projectRoot,
        ...(project.declared ? {} : { name: project.name }),
        targets: renamed,
        metadata: { janus: facts, targetGroups: { Janus: Object.keys(renamed) } },
      },
    },
  };
}

/** What inference learned about the workspace's compose file, for createDependencies and `nx show project`. */
export interface JanusComposeFacts {
  file: string;
  services: Array<{ name: string; repository: string }>;
  problems: string[];
}

/**
 * The workspace-level targets, on the root project, from the root compose file (compose's own preference when
 * there are several). A broken compose file keeps the graph working: the problem is named on the targets and
 * compose-up says it again when run.
 */
export function inferComposeProject(
  composeFiles: string[],
  options: NormalizedPluginOptions,
  context: CreateNodesContext,
): [string, { projects: Record<string, object> }] | undefined {
  const file = COMPOSE_FILE_NAMES.find((n) => composeFiles.includes(n));
  if (!file) return undefined;
  const facts: JanusComposeFacts = { file, services: [], problems: [] };
  try {
    facts.services = readComposeServices(join(context.workspaceRoot, file)).map((s) => ({ name: s.name, repository: s.repository }));
  } catch (e) {
    facts.problems.push((e as Error).message);
  }
  const targets = composeTargets({ file, buildTarget: options.targetNames.build });
  if (facts.problems.length) {
    const up = targets['compose-up'];
    up.metadata = { ...up.metadata, description: `${up.metadata?.description ?? ''} Problems: ${facts.problems.join('; ')}` };
  }
  const project = projectName(context.workspaceRoot, '.');
  // An unnamed root would be called '.': the workspace folder's name says which workspace it is.
  if (!project.declared)
    project.name =
      basename(context.workspaceRoot)
        .replace(/[^\w-]+/g, '-')
        .toLowerCase() || 'workspace';
  return [
    file,
    {
      projects: {
        '.': {
          root: '.',
          ...(project.declared ? {} : { name: project.name }),
          targets,
          metadata: { janusCompose: facts, targetGroups: { Janus: Object.keys(targets) } },
        },
      },
    },
  ];
}
