import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { flavor, imageReference, nonRootUid, port } from '../schema/common-fields';
import { baselineContext } from './baseline-context';
import { nodeServiceContext, nodeServiceRecordOptions } from './node-service-context';
import { runtimeContext, runtimeFilePath, runtimeRecordOptions } from './runtime-context';
import { createTemplateRenderer, type RenderedFile, type TemplateOverrides, type TemplateRenderer } from './template-renderer';

/** The plugin's own version, recorded with every rendering (migrations key on it). */
export const PLUGIN_VERSION = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

const managedFile = z.union([
  z.object({ regions: z.record(z.string(), z.string()).meta({ description: 'partial → where it came from' }) }).strict(),
  z.object({ whole: z.object({ hash: z.string(), source: z.string() }).strict() }).strict(),
]);
export type ManagedFile = z.infer<typeof managedFile>;

/**
 * janus.json of a rendered project: what it was rendered from (so `nx sync` can render it again) and which of
 * its files and regions are managed. Keys other tools or later versions add are kept.
 */
const baselineRecordOptions = z.object({ flavor, port, baseImage: imageReference, uid: nonRootUid }).loose();

export const renderRecordSchema = z
  .object({
    kind: z.enum(['agent', 'runtime']).optional(),
    template: z.enum(['baseline', 'runtime', 'node-service'], { error: 'must name a template set: "baseline", "runtime" or "node-service"' }),
    options: z.record(z.string(), z.unknown()),
    pluginVersion: z.string().optional(),
    managed: z.record(z.string(), managedFile).optional(),
  })
  .loose()
  .superRefine((record, ctx) => {
    // Each template set records its own options; report their problems under `options.`.
    const options = { runtime: runtimeRecordOptions, 'node-service': nodeServiceRecordOptions, baseline: baselineRecordOptions }[record.template];
    const parsed = options.safeParse(record.options);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['options', ...issue.path] } as never);
  });
export type RenderRecord = z.infer<typeof renderRecordSchema>;

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
