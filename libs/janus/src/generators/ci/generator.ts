import { formatFiles, logger, readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { PLUGIN_ENTRY } from '../../workspace/plugin-names';
import { janusPluginEntryOptions, normalizePluginOptions } from '../../workspace/plugin-options';
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { OptionsError, parseOptions } from '../../schema/parse-options';
import { CI_NAMES, ciWorkflow } from './ci-workflow';
import { type CiGeneratorOptions, type NormalizedCiOptions, schema } from './options-schema';

/** The workflow file's text: a header saying where it came from, then the workflow. */
export function renderCiWorkflow(options: NormalizedCiOptions, platforms: readonly string[] = []): string {
  return `# Written by \`nx g janus:ci\`: container builds for pull requests, ${options.defaultBranch} and v* tags.\n${stringify(ciWorkflow(options, platforms), { lineWidth: 0 })}`;
}

/** The platforms the workspace's images are built for (the plugin's `platforms`), each with a native runner. */
function splitPlatforms(tree: Tree, options: NormalizedCiOptions): string[] {
  if (!options.splitPlatforms) return [];
  const plugin = normalizePluginOptions(janusPluginEntryOptions(readNxJson(tree) ?? undefined) ?? {});
  const platforms = plugin.platforms
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const missing = platforms.filter((p) => !options.runners[p]);
  if (missing.length)
    throw new OptionsError('janus:ci', [
      `'runners' has no runner for ${missing.join(', ')} (the janus plugin's platforms are ${platforms.join(', ')}); give one, e.g. --runners.${missing[0]}=<label>`,
    ]);
  return platforms;
}

/** Turns on the plugin's splitPlatforms, so the per-platform build targets the workflow runs exist. */
function enableSplitTargets(tree: Tree): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = [...(nxJson.plugins ?? [])];
  const at = plugins.findIndex((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_ENTRY);
  const options = { ...((at >= 0 ? janusPluginEntryOptions(nxJson) : {}) as Record<string, unknown>), splitPlatforms: true };
  if (at >= 0) plugins[at] = { plugin: PLUGIN_ENTRY, options };
  else plugins.push({ plugin: PLUGIN_ENTRY, options });
  updateNxJson(tree, { ...nxJson, plugins });
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
  const platforms = splitPlatforms(tree, options);
  const text = renderCiWorkflow(options, platforms);
  // Compared as data: formatting (prettier, an editor) may have changed the file's text but not its meaning.
  if (tree.exists(options.workflowFile) && !isDeepStrictEqual(parseOrUndefined(tree.read(options.workflowFile, 'utf8')!), ciWorkflow(options, platforms))) {
    throw new OptionsError('janus:ci', [
      `'workflowFile' = ${JSON.stringify(options.workflowFile)}: the file exists with other content; remove it or give another --workflowFile`,
    ]);
  }
  tree.write(options.workflowFile, text);
  if (options.splitPlatforms) enableSplitTargets(tree);
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
