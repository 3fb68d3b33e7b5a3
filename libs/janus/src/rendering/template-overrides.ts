import { readNxJson, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { janusPluginEntryOptions, normalizePluginOptions } from '../workspace/plugin-options';
import type { TemplateOverrides } from './template-renderer';

/**
 * The workspace's template overrides: the janus plugin's `templatesDir` option in nx.json. Read from nx.json
 * because Nx 23 calls sync generators with the tree alone (sync.generatorOptions never reaches them).
 */
export function templateOverrides(tree: Tree): TemplateOverrides | undefined {
  const options = janusPluginEntryOptions(readNxJson(tree) ?? undefined);
  if (options === undefined) return undefined;
  const { templatesDir } = normalizePluginOptions(options);
  if (!templatesDir) return undefined;
  const dir = templatesDir.replace(/\\/g, '/').replace(/\/+$/, '');
  if (!tree.exists(dir) || tree.isFile(dir)) {
    throw new Error(`janus plugin options in nx.json: 'templatesDir' = ${JSON.stringify(templatesDir)}: no such folder in the workspace`);
  }
  return { dir: join(tree.root, dir), label: dir };
}
