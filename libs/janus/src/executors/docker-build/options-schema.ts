import { z } from 'zod';
import { DEFAULT_PLATFORMS, SUPPORTED_PLATFORMS } from '../../oci/platform';
import { rejoinSplitSpecs } from '../../image/secret-spec';
import { REGISTRY_HOST_PATTERN, SECRET_KEY_PATTERN } from '../../schema/common-fields';
import { BUILD_NETWORKS } from '../../workspace/machine-settings';
import { TAG_PATTERN } from './lib/tag-rules';

const platforms = z
  .union([z.string(), z.array(z.string())])
  .transform((p) => (Array.isArray(p) ? p : p.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.enum(SUPPORTED_PLATFORMS, { error: `must be one of ${SUPPORTED_PLATFORMS.join(', ')}` }))
      .min(1, { error: 'at least one platform is needed' })
      .refine((ps) => new Set(ps).size === ps.length, { error: 'lists a platform twice' }),
  );

const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Nx parses `--buildArgs.VERSION=123` as a number and `--buildArgs.DEBUG=true` as a boolean: both are what
// the user typed, so they become the strings BuildKit takes.
const buildArgValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const buildArgs = z
  .record(z.string().regex(ARG_NAME, { error: 'build arg names are letters, digits and _, not starting with a digit' }), buildArgValue)
  .superRefine((args, ctx) => {
    for (const [k, v] of Object.entries(args)) {
      if (v !== '' && SECRET_KEY_PATTERN.test(k)) {
        ctx.addIssue({ code: 'custom', path: [k], input: v, message: 'secret-looking build args end up in the image history: pass them as "secrets" instead' });
      }
    }
  });

const labels = z.record(z.string().min(1), z.string()).superRefine((all, ctx) => {
  for (const [k, v] of Object.entries(all)) {
    if (v !== '' && SECRET_KEY_PATTERN.test(k)) {
      ctx.addIssue({
        code: 'custom',
        path: [k],
        input: v,
        message: 'secret-looking labels are readable by anyone who can pull the image: pass secrets at run time',
      });
    }
  }
});

export const schema = z
  .object({
    file: z
      .string()
      .min(1, { error: 'must not be empty' })
      .optional()
      .meta({ description: 'Dockerfile path, relative to the workspace root (default: <project root>/Dockerfile).' }),
    context: z
      .string()
      .min(1, { error: 'must not be empty' })
      .optional()
      .meta({ description: 'Build context, relative to the workspace root (default: the project root; the workspace root is allowed).' }),
    target: z.string().min(1, { error: 'must not be empty' }).optional().meta({
      description:
        "Multi-stage target to build, e.g. prod; must be a stage the Dockerfile names. In project.json; on the command line use --targetStage, since 'nx run' takes --target for itself.",
    }),
    targetStage: z
      .string()
      .min(1, { error: 'must not be empty' })
      .optional()
      .meta({ description: "The same as target, under a name 'nx run' passes on: nx run my-agent:docker-build --targetStage=prod." }),
    buildArgs: buildArgs.default({}).meta({ description: 'Build arguments (never secrets: use "secrets").' }),
    secrets: z
      .union([z.string(), z.array(z.string())])
      .transform((s) => rejoinSplitSpecs(Array.isArray(s) ? s : [s]))
      .default([])
      .meta({ description: 'BuildKit secrets, e.g. id=npmrc,src=~/.npmrc or id=token,env=NPM_TOKEN: mounted into RUN steps, never stored in a layer.' }),
    network: z.enum(BUILD_NETWORKS).optional().meta({
      description: "Network for RUN steps. Default: the machine's (JANUS_BUILD_NETWORK, else the janus plugin's 'buildNetwork' option), else the engine's own.",
    }),
    platforms: platforms.default([...DEFAULT_PLATFORMS]).meta({ description: 'Target platforms, comma-separated.' }),
    image: z
      .string()
      .regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, {
        error: 'must be a lowercase repository path like "team/my-agent"',
      })
      .optional()
      .meta({ description: 'Image repository name (default: the project name).' }),
    registry: z
      .string()
      .refine((r) => r === '' || REGISTRY_HOST_PATTERN.test(r), {
        error: 'must be a registry host[:port] like "localhost:5000" or "ghcr.io", or empty for none',
      })
      .optional()
      .meta({
        description:
          "Registry host[:port] to tag for and push to; empty for none. Default: the workspace's registry (the janus plugin's 'registry' option in nx.json), else none (images stay in the local engine).",
      }),
    push: z.boolean().default(false).meta({ description: 'Push every platform and a manifest list under every tag.' }),
    allowDirty: z.boolean().default(false).meta({
      description:
        "Push even when tracked files differ from HEAD. A dirty tree's build is only ever tagged sha-<7>-dirty (never sha-<7>, a branch, latest or a release), with or without this.",
    }),
    keepImagesIn: z.enum(['engine', 'registry']).optional().meta({
      description:
        "Where the built platform images are kept. engine: only in the local engine. registry: pushed by digest under 'build-<image id>' tags as part of the build and recorded by digest, so contract-test and docker-push work on any machine (e.g. after a shared Nx cache hit). Default: registry with push, else engine; the ci configuration sets registry.",
    }),
    // The old name of keepImagesIn ("stage" now means only a Dockerfile stage). Nx prints its deprecation
    // warning from schema.json whenever it is set; the 0.3.0 migration (keep-images-in) rewrites nx.json and project.json.
    stage: z
      .enum(['engine', 'registry'])
      .optional()
      .meta({ description: "Renamed 'keepImagesIn'.", 'x-deprecated': "Renamed 'keepImagesIn' (run 'nx migrate' to rewrite it); removed in janus 1.0." }),
    load: z
      .boolean()
      .default(true)
      .meta({ description: "Tag the local engine's own platform image (or the only one built) with the final tags, e.g. for contract tests." }),
    tags: z
      .array(z.string().regex(TAG_PATTERN, { error: 'must be a valid tag (letters, digits, _ . -; at most 128)' }))
      .default([])
      .meta({ description: 'Extra tags, added to the derived ones.' }),
    deriveTags: z.boolean().default(true).meta({ description: 'Derive tags from git: sha-<7>, branch, pr-<n>, latest, semver.' }),
    revisionFrom: z.enum(['head', 'inputs']).default('head').meta({
      description:
        "Which commit the revision and created labels name: 'head' (the commit being built) or 'inputs' (the last commit that changed the project or its Dockerfile, so an image rebuilt at a later commit that did not touch it keeps its digest; base images use it).",
    }),
    labels: labels.default({}).meta({ description: 'Extra image labels (OCI labels are added automatically); never secrets.' }),
    lint: z.boolean().default(true).meta({
      description:
        "Check the Dockerfile with the dockerfile-lint rules first (with the port, ignore and dockerignore options of the project's dockerfile-lint target); findings fail the build.",
    }),
    reproducible: z.boolean().default(false).meta({
      description:
        "Set every file time in the layers this build makes (not the base image's) to the image's created time (SOURCE_DATE_EPOCH, else the commit time), so clones of one commit get identical layer digests on every machine, whatever its build cache held (on in the ci configuration; costs a save and load of the image per platform).",
    }),
    cacheFrom: z
      .array(z.string().regex(/^[^\s,]+$/, { error: 'must be an image reference like "ghcr.io/acme/agent:latest" (no spaces or commas)' }))
      .optional()
      .meta({
        description:
          "Images whose BuildKit layer cache the build reuses, so CI machines that never built an image reuse its layers (default, with a registry: <repository>:latest and the branch's tag); [] for none.",
      }),
    cacheTo: z.enum(['inline', 'registry', 'none']).default('inline').meta({
      description:
        'Export the layer cache: inline (in the image, published when it is pushed; any BuildKit), registry (<repository>:buildcache, every stage; needs buildx), none. Pull-request builds never write a registry cache.',
    }),
    noCache: z.boolean().default(false).meta({ description: 'Build every step afresh, as docker build --no-cache.' }),
    pull: z.boolean().default(false).meta({ description: 'Look up a newer base image even when the engine has one, as docker build --pull.' }),
    sizeBudgetMb: z
      .number()
      .positive({ error: 'must be a positive number of megabytes' })
      .default(500)
      .meta({ description: 'Fail when a platform image is larger than this.' }),
    sbom: z.boolean().default(true).meta({
      description:
        'Attach a CycloneDX SBOM per platform (Debian, Python and npm packages of the final image, read from its layers) to the published index as a BuildKit-style attestation; an image whose packages cannot be read fails the build. false: no SBOM, and the summary says so.',
    }),
    provenance: z.boolean().default(true).meta({
      description:
        'Attach SLSA v1 provenance per platform (commit, repository, Dockerfile, build args without secret values, base image digests, builder, times) to the published index as an attestation.',
    }),
    engine: z.enum(['auto', 'buildx', 'docker', 'podman']).default('auto').meta({
      description:
        "auto: the engine JANUS_ENGINE or the janus plugin option 'engine' names, else the one running here (Docker's socket, else Podman's); on Docker, buildx when the docker CLI has it, else per-platform BuildKit builds plus a manifest list. buildx, docker: Docker's engine with that builder. podman: the podman build CLI, with tags, pushes and containers through Podman's Docker-compatible socket.",
    }),
    outputPath: z
      .string()
      .min(1, { error: 'must not be empty' })
      .optional()
      .meta({ description: 'Where metadata.json goes (default: dist/docker/<project>; relative to the workspace root, absolute allowed).' }),
  })
  .strict();

export type DockerBuildOptions = z.input<typeof schema>;
export type ParsedDockerBuildOptions = z.output<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerBuild',
  title: 'Janus docker-build',
  description: 'Builds a project image for several platforms with BuildKit, tags it from git, checks its size and optionally pushes it with a manifest list.',
};
