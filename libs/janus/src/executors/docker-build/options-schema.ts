import { z } from 'zod';
import { SECRET_KEY_PATTERN } from '../../schema/common-fields';
import { TAG_PATTERN } from './lib/tag-rules';

export const SUPPORTED_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64'] as const;

const platforms = z
  .union([z.string(), z.array(z.string())])
  .transform((p) => (Array.isArray(p) ? p : p.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.enum(SUPPORTED_PLATFORMS, { error: `must be one of ${SUPPORTED_PLATFORMS.join(', ')}` }))
      .min(1, { error: 'at least one platform is needed' })
      .refine((ps) => new Set(ps).size === ps.length, { error: 'lists a platform twice' }),
  );

// `id=<name>,src=<file>` as docker/buildx accept it; `env=` sources are allowed too.
const secret = z.string().regex(/^id=[\w.-]+,(src|source|env)=[^,]+$/, { error: 'must look like id=<name>,src=<file> or id=<name>,env=<VAR>' });

const buildArgs = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
  .refine((args) => Object.entries(args).every(([k, v]) => v === '' || !SECRET_KEY_PATTERN.test(k)), {
    error: 'secret-looking build args end up in the image history: pass them as "secrets" instead',
  });

export const schema = z
  .object({
    file: z.string().optional().meta({ description: 'Dockerfile path (default: <project root>/Dockerfile).' }),
    context: z.string().optional().meta({ description: 'Build context (default: the project root; the workspace root is allowed).' }),
    target: z.string().optional().meta({ description: 'Multi-stage target to build, e.g. prod.' }),
    buildArgs: buildArgs.default({}).meta({ description: 'Build arguments (never secrets: use "secrets").' }),
    secrets: z
      .array(secret)
      .default([])
      .meta({ description: 'BuildKit secrets, e.g. id=npmrc,src=/root/.npmrc: mounted into RUN steps, never stored in a layer.' }),
    network: z.enum(['default', 'host', 'none']).optional().meta({ description: 'Network for RUN steps (host for steps that need apt or npm here).' }),
    platforms: platforms.default(['linux/amd64', 'linux/arm64']).meta({ description: 'Target platforms, comma-separated.' }),
    image: z
      .string()
      .regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, {
        error: 'must be a lowercase repository path like "team/my-agent"',
      })
      .optional()
      .meta({ description: 'Image repository name (default: the project name).' }),
    registry: z.string().default('localhost:5000').meta({ description: 'Registry host[:port] to tag for and push to; empty for none.' }),
    push: z.boolean().default(false).meta({ description: 'Push every platform and a manifest list under every tag.' }),
    load: z
      .boolean()
      .default(true)
      .meta({ description: "Tag the local engine's own platform image (or the only one built) with the final tags, e.g. for contract tests." }),
    tags: z
      .array(z.string().regex(TAG_PATTERN, { error: 'must be a valid tag (letters, digits, _ . -; at most 128)' }))
      .default([])
      .meta({ description: 'Extra tags, added to the derived ones.' }),
    deriveTags: z.boolean().default(true).meta({ description: 'Derive tags from git: sha-<7>, branch, pr-<n>, latest, semver.' }),
    labels: z.record(z.string(), z.string()).default({}).meta({ description: 'Extra image labels (OCI labels are added automatically).' }),
    sizeBudgetMb: z
      .number()
      .positive({ error: 'must be a positive number of megabytes' })
      .default(500)
      .meta({ description: 'Fail when a platform image is larger than this.' }),
    engine: z
      .enum(['auto', 'buildx', 'docker', 'podman'])
      .default('auto')
      .meta({ description: 'auto: buildx when the docker CLI has it, else per-platform BuildKit builds plus a manifest list.' }),
    outputPath: z.string().optional().meta({ description: 'Where metadata.json goes (default: dist/docker/<project>).' }),
  })
  .strict();

export type DockerBuildOptions = z.input<typeof schema>;
export type ParsedDockerBuildOptions = z.output<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerBuild',
  title: 'Janus docker-build',
  description: 'Builds a project image for several platforms with BuildKit, tags it from git, checks its size and optionally pushes it with a manifest list.',
};
