import { addProjectConfiguration, formatFiles, getProjects, joinPathFragments, logger, type Tree } from '@nx/devkit';
import { parseOptions, OptionsError } from '../../schema/parse-options';
import { formatRecord, managedRecord, PACKAGE_VERSION, renderProject } from '../../rendering/render-record';
import { initGenerator } from '../init/generator';
import { directoryProblems } from '../project-directory';
import { templateOverrides } from '../../rendering/template-overrides';
import { type BaselineGeneratorOptions, type NormalizedBaselineOptions, schema } from './options-schema';

export const TEMPLATE_SET = 'baseline';

/** Validates everything that can be known before writing, so a rejected run leaves the tree untouched. */
export function normalizeOptions(tree: Tree, raw: BaselineGeneratorOptions): NormalizedBaselineOptions {
  const parsed = parseOptions(schema, raw, 'janus:baseline');
  const directory = (parsed.directory ?? `apps/${parsed.name}`).replace(/\\/g, '/').replace(/\/+$/, '');
  const problems = directoryProblems(tree, directory);
  if (getProjects(tree).has(parsed.name)) {
    problems.push(`'name' = ${JSON.stringify(parsed.name)}: a project with this name already exists in the workspace`);
  }
  if (problems.length) throw new OptionsError('janus:baseline', problems);
  return { ...parsed, directory };
}

export async function baselineGenerator(tree: Tree, raw: BaselineGeneratorOptions) {
  const options = normalizeOptions(tree, raw);
  const recorded = { flavor: options.flavor, port: options.port, baseImage: options.baseImage, uid: options.uid };
  const files = renderProject(options.name, { template: TEMPLATE_SET, options: recorded }, templateOverrides(tree));

  addProjectConfiguration(tree, options.name, {
    root: options.directory,
    projectType: 'application',
    sourceRoot: joinPathFragments(options.directory, 'app'),
    tags: [...new Set([...options.tags, 'janus:baseline', `janus:flavor:${options.flavor}`])],
  });
  // Records what the project was rendered from and what of it is managed, so `nx sync` can re-apply template changes.
  tree.write(
    joinPathFragments(options.directory, 'janus.json'),
    formatRecord({ template: TEMPLATE_SET, options: recorded, pluginVersion: PACKAGE_VERSION, managed: managedRecord(files) }),
  );
  for (const file of files) tree.write(joinPathFragments(options.directory, file.path), file.content);
  // Targets are inferred from janus.json by the plugin, so the project carries none of its own.
  await initGenerator(tree, { skipFormat: true });

  if (!options.skipFormat) await formatFiles(tree);
  return () => {
    logger.info(`janus: created ${options.name} in ${options.directory} (${options.flavor} flavor, port ${options.port})`);
  };
}

export default baselineGenerator;
