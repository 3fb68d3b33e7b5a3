import {
  formatFiles,
  getProjects,
  joinPathFragments,
  logger,
  readNxJson,
  type TargetConfiguration,
  type Tree,
  updateNxJson,
  updateProjectConfiguration,
} from '@nx/devkit';
import { COLLECTION, PACKAGE_NAME } from '../../workspace/plugin-names';

// janus 0.2 called the docker-build option that says where the built images are kept `stage`, a word the
// Dockerfile already uses for its stages. It is `keepImagesIn` now; this rewrites every place that set it.
const OLD = 'stage';
const NEW = 'keepImagesIn';
const EXECUTORS = new Set([`${COLLECTION}:docker-build`, `${PACKAGE_NAME}:docker-build`]);
/** Inferred build targets: docker-build, and one per platform in a split build (docker-build-amd64, …). */
const INFERRED_NAME = /^docker-build(-[a-z0-9]+)?$/;

/** The options with `stage` renamed; a `keepImagesIn` already set wins. Undefined when nothing changes. */
function renamed(options: unknown): Record<string, unknown> | undefined {
  if (options === null || typeof options !== 'object' || !(OLD in options)) return undefined;
  const { [OLD]: value, ...rest } = options as Record<string, unknown>;
  return NEW in rest ? rest : { ...rest, [NEW]: value };
}

/** The target with `stage` renamed in its options and every configuration; undefined when nothing changes. */
function renamedTarget<T extends Partial<TargetConfiguration>>(target: T): T | undefined {
  let changed = false;
  const next: T = { ...target };
  const options = renamed(target.options);
  if (options) {
    next.options = options;
    changed = true;
  }
  if (target.configurations) {
    next.configurations = Object.fromEntries(
      Object.entries(target.configurations).map(([name, config]) => {
        const c = renamed(config);
        if (c) changed = true;
        return [name, c ?? config];
      }),
    );
  }
  return changed ? next : undefined;
}

/** A docker-build target: one that names the executor, or an override of the inferred one in a janus project. */
function isDockerBuild(tree: Tree, root: string, name: string, target: TargetConfiguration): boolean {
  if (target.executor !== undefined) return EXECUTORS.has(target.executor);
  return INFERRED_NAME.test(name) && tree.exists(joinPathFragments(root, 'janus.json'));
}

/**
 * janus 0.3.0: docker-build's `stage` option is `keepImagesIn`, in nx.json's targetDefaults (by target name or
 * executor) and in every project.json target that builds with janus:docker-build. Running it again changes nothing.
 */
export default async function renameStageToKeepImagesIn(tree: Tree) {
  const changed: string[] = [];
  const nxJson = readNxJson(tree);
  if (nxJson?.targetDefaults) {
    let any = false;
    // A key's value is one target default, or (Nx 23) a list of entries each with its own filter.
    const rename = <T extends Partial<TargetConfiguration> & { filter?: { executor?: string } }>(key: string, entry: T): T => {
      const executor = entry.executor ?? entry.filter?.executor;
      const isBuild = executor !== undefined ? EXECUTORS.has(executor) : EXECUTORS.has(key) || INFERRED_NAME.test(key);
      const next = isBuild ? renamedTarget(entry) : undefined;
      if (next) any = true;
      return next ?? entry;
    };
    const defaults = Object.fromEntries(
      Object.entries(nxJson.targetDefaults).map(([key, value]) => [key, Array.isArray(value) ? value.map((e) => rename(key, e)) : rename(key, value)]),
    );
    if (any) {
      updateNxJson(tree, { ...nxJson, targetDefaults: defaults });
      changed.push('nx.json');
    }
  }
  for (const [name, project] of getProjects(tree)) {
    let any = false;
    const targets = Object.fromEntries(
      Object.entries(project.targets ?? {}).map(([targetName, target]) => {
        const next = isDockerBuild(tree, project.root, targetName, target) ? renamedTarget(target) : undefined;
        if (next) any = true;
        return [targetName, next ?? target];
      }),
    );
    if (any) {
      updateProjectConfiguration(tree, name, { ...project, targets });
      changed.push(name);
    }
  }
  await formatFiles(tree);
  if (!changed.length) return [];
  const line = `janus: docker-build's '${OLD}' option is now '${NEW}' (same values, engine or registry); renamed in ${changed.join(', ')}`;
  logger.info(line);
  // Nx prints what a migration returns as its next steps.
  return [line];
}
