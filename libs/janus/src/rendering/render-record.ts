import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baselineContext } from './baseline-context';
import { baselineRecordOptions, type ManagedFile, type RenderRecord } from './janus-json';
import { nodeServiceContext, nodeServiceRecordOptions } from './node-service-context';
import { runtimeContext, runtimeFilePath, runtimeRecordOptions } from './runtime-context';
import { createTemplateRenderer, type RenderedFile, type TemplateOverrides, type TemplateRenderer } from './template-renderer';

/** The plugin package's version (package.json), recorded in janus.json's `pluginVersion` with every rendering (migrations key on it). */
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

/**
 * Every file of a project, rendered from its record with the current templates (and the workspace's overrides);
 * pass one `renderer` when rendering many projects, so each template is read and compiled once.
 */
export function renderProject(
  name: string,
  record: Pick<RenderRecord, 'template' | 'options'>,
  overrides?: TemplateOverrides,
  root?: string,
  renderer: TemplateRenderer = createTemplateRenderer(root, overrides),
): RenderedFile[] {
  if (record.template === 'runtime') {
    const files = renderer('runtime', runtimeContext(name, runtimeRecordOptions.parse(record.options)));
    return files.map((f) => ({ ...f, path: runtimeFilePath(name, f.path) }));
  }
  if (record.template === 'node-service') return renderer('node-service', nodeServiceContext(name, nodeServiceRecordOptions.parse(record.options)));
  const { flavor: f, port: p, uid, baseImage } = baselineRecordOptions.parse(record.options);
  return renderer(record.template, baselineContext({ name, flavor: f, port: p, uid, baseImage }), f);
}

/** What janus.json says is managed, and where each piece came from. */
export function managedRecord(files: RenderedFile[]): Record<string, ManagedFile> {
  const managed: Record<string, ManagedFile> = {};
  for (const f of files) {
    if (f.whole) managed[f.path] = { whole: f.whole };
    else if (f.regions.length) managed[f.path] = { regions: Object.fromEntries(f.regions.map((r) => [r.partial, r.source])) };
  }
  return managed;
}

export function formatRecord(record: RenderRecord): string {
  return JSON.stringify(record, null, 2) + '\n';
}
