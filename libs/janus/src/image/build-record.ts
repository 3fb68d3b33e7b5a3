import type { ExecutorContext } from '@nx/devkit';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SECRET_KEY_PATTERN } from '../schema/common-fields';
import { buildProvenanceSchema } from './provenance';
import { siblingTargetPath } from '../workspace/target-options';
import { BUILD_RECORD_FILE, IMAGE_DIGESTS_FILE } from './record-files';
import { UserError } from '../errors/user-error';

export { BUILD_RECORD_FILE, IMAGE_DIGESTS_FILE };

/**
 * What docker-build records about one build, and what contract-test and docker-push act on: the image, its
 * tags, each platform's image id, size and (once pushed) registry digest. It is the build target's Nx output,
 * so a cache hit restores it; readers validate it, since a file on disk can be anything.
 */
export const buildRecordSchema = z.object({
  project: z.string().min(1),
  image: z.string().min(1),
  tags: z.array(z.string().min(1)).min(1, { error: 'must list at least one tag' }),
  pushed: z.boolean(),
  /**
   * Where the platform images are kept (docker-build's option of the same name). `engine`: only in the engine
   * that built them (a cache hit elsewhere restores a record of images that machine lacks). `registry`: pushed
   * to `registry`/`repository` by digest under content-named tags, so any machine can test and publish them.
   */
  keepImagesIn: z.enum(['engine', 'registry']).default('engine'),
  registry: z.string().optional(),
  repository: z.string().optional(),
  indexDigest: z.string().optional(),
  platforms: z
    .array(
      z.object({
        platform: z.string().min(1),
        /** Local tag of this platform's image (`<repository>:<primary>-<arch>`). */
        ref: z.string().min(1),
        imageId: z.string().startsWith('sha256:'),
        size: z.number().nonnegative(),
        /** Registry manifest digest, once staged or pushed. */
        digest: z.string().startsWith('sha256:').optional(),
        /** The registry tag that keeps the staged manifest reachable (`build-<image id>`). */
        stagingTag: z.string().optional(),
        /** Compressed layer bytes the push that staged it uploaded. */
        uploadedBytes: z.number().nonnegative().optional(),
        buildSeconds: z.number().nonnegative(),
        /**
         * The engine that built, pinned and staged it: its endpoint, host name and native platform (another
         * native platform than this one means it was emulated). Provenance, not content: left out of the digests
         * file, so a build on another builder of the same inputs is the same build to Nx.
         */
        builder: z.object({ endpoint: z.string(), name: z.string().optional(), native: z.string().optional() }).optional(),
      }),
    )
    .min(1, { error: 'must list at least one platform' }),
  buildArgs: z.record(z.string(), z.string()),
  labels: z.record(z.string(), z.string()),
  /** Ids and sources of the build secrets, never their values: the contract proves the values are absent. */
  secrets: z.array(z.object({ id: z.string(), spec: z.string() })).default([]),
  baseImage: z.object({ ref: z.string(), digest: z.string().optional(), resolvedVia: z.string().optional(), error: z.string().optional() }).optional(),
  engine: z.string(),
  /** How the build was made, for the provenance docker-build or docker-push attaches (absent in older records). */
  provenance: buildProvenanceSchema.optional(),
  /**
   * Which attestations go with the images (absent in older records: none). `packages`: each platform's SBOM
   * package counts, once an SBOM was made.
   */
  attestations: z
    .object({
      sbom: z.boolean(),
      provenance: z.boolean(),
      packages: z.record(z.string(), z.object({ deb: z.number(), python: z.number(), npm: z.number(), binary: z.number() })).optional(),
    })
    .optional(),
  git: z.object({
    sha: z.string(),
    branch: z.string().optional(),
    tag: z.string().optional(),
    prNumber: z.number().optional(),
    /** Built from a tree whose tracked files differed from `sha`: tagged `sha-<7>-dirty` only. */
    dirty: z.boolean().optional(),
  }),
});

export type BuildRecord = z.infer<typeof buildRecordSchema>;
export type PlatformResult = BuildRecord['platforms'][number];

/**
 * What a build made, by content only (IMAGE_DIGESTS_FILE, beside the record): the images built FROM this one and its contract test
 * hash this file (a `dependentTasksOutputFiles` input), never metadata.json. The record also says how long each
 * platform took, how many bytes a push uploaded and where the base digest was looked up, which differ between
 * two machines building the same inputs; hashed, they made every image above a base rebuild on every machine.
 * Image ids are config digests (the layers' content, the config and labels), the same wherever the same
 * content is built; registry digests are the manifests this build staged or pushed. The build secrets' ids
 * and sources are here too: the contract proves their values absent, so a changed list must prove it again.
 */
export function imageDigests(record: BuildRecord) {
  return {
    image: record.image,
    keepImagesIn: record.keepImagesIn,
    // Not the index digest: the index also names the attestation manifests, whose provenance holds the build's
    // times and builder, so two machines that built the same images publish different indexes.
    platforms: record.platforms.map((p) => ({ platform: p.platform, imageId: p.imageId, ...(p.digest ? { digest: p.digest } : {}) })),
    secrets: record.secrets,
  };
}
export const DEFAULT_BUILD_TARGET = 'docker-build';

/** Where docker-build writes its record unless its `outputPath` says otherwise (workspace-relative). */
export function defaultBuildRecordDir(projectName: string): string {
  return join('dist/docker', projectName);
}

/** Where a project's build target writes its record: that target's configured `outputPath`, else the default. */
export function buildRecordDir(context: ExecutorContext, buildTarget = DEFAULT_BUILD_TARGET): string {
  return siblingTargetPath(context, buildTarget, 'outputPath', defaultBuildRecordDir(context.projectName!));
}

export class BuildRecordError extends UserError {
  constructor(file: string, problem: string, hint = '') {
    super(`janus: build record ${file}: ${problem}${hint ? `; ${hint}` : ''}`);
    this.name = 'BuildRecordError';
  }
}

/**
 * Records written before janus 0.3 name `keepImagesIn` `residence`; the Nx cache can still restore them, so
 * they read as the new name. Records are only ever written with the new one.
 */
function withCurrentNames(json: unknown): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('residence' in json)) return json;
  const { residence, ...rest } = json as Record<string, unknown>;
  return 'keepImagesIn' in rest ? rest : { ...rest, keepImagesIn: residence };
}

/** Reads and validates a record; every failure names the file and says what to do. */
export function readBuildRecord(file: string, rebuildHint = "run the project's docker-build target first"): BuildRecord {
  if (!existsSync(file)) throw new BuildRecordError(file, 'not found', rebuildHint);
  if (!statSync(file).isFile()) throw new BuildRecordError(file, 'is a directory, not a file');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BuildRecordError(file, `is not valid JSON (${(e as Error).message})`, rebuildHint);
  }
  const parsed = buildRecordSchema.safeParse(withCurrentNames(json));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');
    throw new BuildRecordError(file, `is not a docker-build record (${problems})`, rebuildHint);
  }
  return parsed.data;
}

/** A record written to a temp file beside its final place, waiting to be committed (renamed) or discarded. */
export interface StagedBuildRecord {
  file: string;
  commit(): void;
  discard(): void;
}

/**
 * Writes the record to a temp file first, so a full disk fails the build before anything is published; the
 * rename that commits it cannot run out of space. A reader or the Nx cache never sees half a record.
 */
export function stageBuildRecord(dir: string, record: BuildRecord): StagedBuildRecord {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, BUILD_RECORD_FILE);
  const digests = join(dir, IMAGE_DIGESTS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const tmpDigests = `${digests}.${process.pid}.tmp`;
  const discard = () => {
    rmSync(tmp, { force: true });
    rmSync(tmpDigests, { force: true });
  };
  try {
    const parsed = buildRecordSchema.parse(record);
    writeFileSync(tmp, JSON.stringify(parsed, null, 2) + '\n');
    writeFileSync(tmpDigests, JSON.stringify(imageDigests(parsed), null, 2) + '\n');
  } catch (e) {
    discard();
    throw new UserError(`janus: could not write the build record ${file} (${(e as Error).message}); nothing was published`);
  }
  return {
    file,
    commit: () => {
      renameSync(tmpDigests, digests);
      renameSync(tmp, file);
    },
    discard,
  };
}

export function writeBuildRecord(dir: string, record: BuildRecord): string {
  const staged = stageBuildRecord(dir, record);
  try {
    staged.commit();
  } finally {
    staged.discard();
  }
  return staged.file;
}

/** Build args are recorded for reproducibility, but never a value whose name says it is secret. */
export function redactBuildArgs(args: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, SECRET_KEY_PATTERN.test(k) ? '<redacted>' : v]));
}
