import { addProjectConfiguration, formatFiles, getProjects, joinPathFragments, logger, type Tree } from '@nx/devkit';
import { parseOptions, OptionsError } from '../../schema/parse-options';
import { baselineContext } from '../../rendering/baseline-context';
import { renderTemplateSet } from '../../rendering/template-renderer';
import { initGenerator } from '../init/generator';
import { type BaselineGeneratorOptions, type NormalizedBaselineOptions, schema } from './options-schema';

export const TEMPLATE_SET = 'baseline';

/** Validates everything that can be known before writing, so a rejected run leaves the tree untouched. */
export function normalizeOptions(tree: Tree, raw: BaselineGeneratorOptions): NormalizedBaselineOptions {
  const parsed = parseOptions(schema, raw, 'janus:baseline');
  const directory = (parsed.directory ?? `apps/${parsed.name}`).replace(/\\/g, '/').replace(/\/+$/, '');
  const problems: string[] = [];
  // A path through an existing file (package.json/x) could never be written: say so before anything is.
  const parts = directory.split('/');
  const fileOnPath = parts.map((_, i) => parts.slice(0, i + 1).join('/')).find((p) => tree.isFile(p));
  if (fileOnPath && fileOnPath !== directory) {
    problems.push(`'directory' = ${JSON.stringify(directory)}: ${fileOnPath} is a file, so nothing can be created under it`);
  } else if (tree.exists(directory)) {
    problems.push(`'directory' = ${JSON.stringify(directory)}: already exists; choose another --directory or --name`);
  }
  // Inside another project its files would become that project's inputs and build context.
  const enclosing = [...getProjects(tree)].find(([, p]) => p.root && p.root !== '.' && directory.startsWith(`${p.root.replace(/\/+$/, '')}/`));
  if (enclosing)
    problems.push(`'directory' = ${JSON.stringify(directory)}: inside the project ${enclosing[0]} (${enclosing[1].root}); choose a directory outside it`);
  if (getProjects(tree).has(parsed.name)) {
    problems.push(`'name' = ${JSON.stringify(parsed.name)}: a project with this name already exists in the workspace`);
  }
  if (problems.length) throw new OptionsError('janus:baseline', problems);
  return { ...parsed, directory };
}

export async function baselineGenerator(tree: Tree, raw: BaselineGeneratorOptions) {
  const options = normalizeOptions(tree, raw);
  const context = baselineContext(options);
  const files = renderTemplateSet(TEMPLATE_SET, context, options.flavor);

  addProjectConfiguration(tree, options.name, {
    root: options.directory,
    projectType: 'application',
    sourceRoot: joinPathFragments(options.directory, 'app'),
    tags: [...new Set([...options.tags, 'janus:baseline', `janus:flavor:${options.flavor}`])],
  });
  // Records what the project was rendered from, so template updates can be re-applied to it later.
  tree.write(
    joinPathFragments(options.directory, 'janus.json'),
    JSON.stringify(
      {
        template: TEMPLATE_SET,
        options: { flavor: options.flavor, port: options.port, baseImage: options.baseImage, uid: options.uid },
      },
      null,
      2,
    ) + '\n',
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
