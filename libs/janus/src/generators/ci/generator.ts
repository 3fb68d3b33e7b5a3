import { formatFiles, logger, type Tree } from '@nx/devkit';
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { OptionsError, parseOptions } from '../../schema/parse-options';
import { CI_NAMES, ciWorkflow } from './ci-workflow';
import { type CiGeneratorOptions, type NormalizedCiOptions, schema } from './options-schema';

/** The workflow file's text: a header saying where it came from, then the workflow. */
export function renderCiWorkflow(options: NormalizedCiOptions): string {
  return `# Written by \`nx g janus:ci\`: container builds for pull requests, ${options.defaultBranch} and v* tags.\n${stringify(ciWorkflow(options), { lineWidth: 0 })}`;
}

function parseOrUndefined(text: string): unknown {
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function ciGenerator(tree: Tree, raw: CiGeneratorOptions = {}) {
  const options = parseOptions(schema, raw, 'janus:ci');
  const text = renderCiWorkflow(options);
  // Compared as data: formatting (prettier, an editor) may have changed the file's text but not its meaning.
  if (tree.exists(options.workflowFile) && !isDeepStrictEqual(parseOrUndefined(tree.read(options.workflowFile, 'utf8')!), ciWorkflow(options))) {
    throw new OptionsError('janus:ci', [
      `'workflowFile' = ${JSON.stringify(options.workflowFile)}: the file exists with other content; remove it or give another --workflowFile`,
    ]);
  }
  tree.write(options.workflowFile, text);
  if (!options.skipFormat) await formatFiles(tree);
  return () =>
    logger.info(
      [
        `janus: wrote ${options.workflowFile}. It reads:`,
        options.remoteCache
          ? `  - variable ${CI_NAMES.cacheServer} (the remote cache URL), secrets ${CI_NAMES.cacheWriteToken} (${options.defaultBranch}, tags) and ${CI_NAMES.cacheReadToken} (pull requests)`
          : '  - no remote cache (remoteCache=false)',
        `  - secrets ${CI_NAMES.registryUser} / ${CI_NAMES.registryPassword} for the registry docker-build and docker-push push to`,
      ].join('\n'),
    );
}

export default ciGenerator;
