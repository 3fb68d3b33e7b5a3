import { z } from 'zod';
import { describeIssues } from '../schema/describe-issues';
import { flavor, imageReference, nonRootUid, port } from '../schema/common-fields';
import { nodeServiceRecordOptions } from './node-service-context';
import { runtimeRecordOptions } from './runtime-context';

// A project's janus.json, the one schema inference (plugin/infer-targets.ts) and sync (generators/sync) both read:
// a render record the generators wrote (`template` + `options`, and which files are managed), or a hand-written
// marker of an image janus did not render (`kind`, `inputs`). Keys other tools or later versions add are kept.

const managedFile = z.union([
  z.object({ regions: z.record(z.string(), z.string()).meta({ description: 'partial → where it came from' }) }).strict(),
  z.object({ whole: z.object({ hash: z.string(), source: z.string() }).strict() }).strict(),
]);
export type ManagedFile = z.infer<typeof managedFile>;

export const baselineRecordOptions = z.object({ flavor, port, baseImage: imageReference, uid: nonRootUid }).loose();

/** What each template set records of its options (what sync renders the project from again). */
const RECORD_OPTIONS = { baseline: baselineRecordOptions, runtime: runtimeRecordOptions, 'node-service': nodeServiceRecordOptions } as const;
export const TEMPLATE_SETS = Object.keys(RECORD_OPTIONS) as (keyof typeof RECORD_OPTIONS)[];

/** The options inference reads: all a hand-written janus.json may set, and (by type) what each template set records under those names. */
const inferenceOptions = z
  .object({
    flavor: flavor.optional(),
    port: port.optional(),
    bin: z.string().min(1, { error: 'must name the CLI whose --version the runtime contract runs, e.g. "claude"' }).optional(),
    version: z.string().min(1, { error: 'must be the version the CLI prints, e.g. "1.2.3"' }).optional(),
  })
  .loose();

const templateSet = z.enum(TEMPLATE_SETS, { error: `must name a template set: ${TEMPLATE_SETS.map((t) => JSON.stringify(t)).join(', ')}` });

const GLOB_INSIDE = 'must be a glob inside the project, relative to it, such as "rootfs.sh" or "patches/*.diff"';
const projectGlob = z
  .string({ error: GLOB_INSIDE })
  .min(1, { error: GLOB_INSIDE })
  .refine((g) => !g.startsWith('/') && !g.split('/').includes('..'), { error: GLOB_INSIDE });

const fields = z
  .object({
    /** `base-image`: an image others build FROM; `runtime`: a CLI whose contract is the runtime one; else an agent. */
    kind: z.enum(['agent', 'base-image', 'runtime']).optional(),
    template: templateSet.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    /** Project-relative globs the image is made from though no COPY reads them (a base image's root filesystem recipe). */
    inputs: z.array(projectGlob, { error: 'must be a list of globs inside the project, such as ["rootfs.sh"]' }).optional(),
    /** The plugin package's version that last rendered the project (migrations key on it). */
    pluginVersion: z.string().optional(),
    managed: z.record(z.string(), managedFile).optional(),
  })
  .loose();

/** Each template set checks its own options; a hand-written janus.json, the few inference reads. Problems under `options.`. */
function checkOptions(json: z.output<typeof fields>, ctx: z.RefinementCtx) {
  const options = json.template ? RECORD_OPTIONS[json.template] : inferenceOptions;
  const parsed = options.safeParse(json.options ?? {}, { reportInput: true });
  if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['options', ...issue.path] } as never);
}

export const janusJsonSchema = fields.superRefine(checkOptions);

type InferenceOptions = z.output<typeof inferenceOptions>;
/** Fails to compile when a template set records a name inference reads with another type. */
type ReadAlike<T extends InferenceOptions> = T;
export type TemplateOptionsReadAlike = [ReadAlike<z.output<(typeof RECORD_OPTIONS)[keyof typeof RECORD_OPTIONS]>>];

/** A valid janus.json, its options typed as inference reads them (a template set's own are checked by its schema). */
export type JanusJson = z.output<typeof janusJsonSchema> & { options?: InferenceOptions };

/** A janus.json the generators wrote: what `nx sync` renders the project from again. */
export const renderRecordSchema = fields
  .extend({
    template: templateSet,
    options: z.record(z.string(), z.unknown()),
  })
  .superRefine(checkOptions);
export type RenderRecord = z.output<typeof renderRecordSchema>;

/**
 * The project's janus.json checked against the schema, or one line naming the file, each bad field, the value
 * given and what is allowed. `path` is how the message names the file (workspace-relative).
 */
export function parseJanusJson(text: string, path: string): { json: JanusJson; problem?: undefined } | { json?: undefined; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { problem: `${path} is not valid JSON (${(e as Error).message})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { problem: `${path} is not valid: it must be a JSON object, not ${JSON.stringify(raw)}` };
  const parsed = janusJsonSchema.safeParse(raw, { reportInput: true });
  return parsed.success ? { json: parsed.data as JanusJson } : { problem: `${path} is not valid: ${describeIssues(parsed.error, raw).join('; ')}` };
}

/** Whether janus.json is a render record (a template set wrote it), which sync renders again; else it is hand-written. */
export function isRenderRecord(json: JanusJson): json is RenderRecord {
  return json.template !== undefined && json.options !== undefined;
}
