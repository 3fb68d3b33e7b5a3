import type { ExecutorContext } from '@nx/devkit';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors/user-error';
import { describeIssues } from '../schema/parse-options';
import { siblingTargetPath } from '../workspace/target-options';
import { PUBLISH_RECORD_FILE } from './record-files';

export { PUBLISH_RECORD_FILE };

/**
 * What docker-push published: its own declared output, beside (never inside) docker-build's record, so each
 * task's cache restores what that task wrote; a later cache restore of the build cannot revert a publication.
 */
export const publishRecordSchema = z.object({
  project: z.string().min(1),
  image: z.string().min(1),
  /** The release tags, each naming the manifest list. */
  tags: z.array(z.string().min(1)).min(1),
  /** The manifest list's digest: what a deployment pulls by (`<image>@<indexDigest>`). */
  indexDigest: z.string().regex(/^sha256:[a-f0-9]{64}$/),
  platforms: z.array(z.object({ platform: z.string().min(1), digest: z.string().min(1), uploadedBytes: z.number().int().nonnegative().optional() })).min(1),
  /** The build record it published, relative to the workspace root. */
  buildRecord: z.string().min(1),
});
export type PublishRecord = z.infer<typeof publishRecordSchema>;

export const DEFAULT_PUSH_TARGET = 'docker-push';

export function defaultPublishRecordDir(projectName: string): string {
  return join('dist/docker-push', projectName);
}

/** The push target's output folder (its `outputPath`, or the default), absolute. */
export function publishRecordDir(context: ExecutorContext, pushTarget = DEFAULT_PUSH_TARGET): string {
  return siblingTargetPath(context, pushTarget, 'outputPath', defaultPublishRecordDir(context.projectName!));
}

/** Staged to a temp file before any tag moves (a full disk fails with nothing published); committed after. */
export function stagePublishRecord(dir: string, record: PublishRecord): { file: string; commit(): void; discard(): void } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, PUBLISH_RECORD_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const discard = () => rmSync(tmp, { force: true });
  try {
    writeFileSync(tmp, JSON.stringify(publishRecordSchema.parse(record), null, 2) + '\n');
  } catch (e) {
    discard();
    throw new UserError(`janus: could not write the publish record ${file} (${(e as Error).message}); nothing was published`);
  }
  return { file, commit: () => renameSync(tmp, file), discard };
}

/** The last publication of a project, validated; undefined when it was never pushed from here. */
export function readPublishRecord(file: string): PublishRecord | undefined {
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`janus: publish record ${file} is not valid JSON (${(e as Error).message}); run docker-push again`);
  }
  const parsed = publishRecordSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`janus: publish record ${file}: ${describeIssues(parsed.error, raw).join('; ')}; run docker-push again`);
  return parsed.data;
}
