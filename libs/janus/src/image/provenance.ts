import { z } from 'zod';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** What a janus docker-build's parameters mean; the URI names the definition, it is not fetched. */
export const JANUS_BUILD_TYPE = 'urn:janus:build-type:docker-build:v1';

/**
 * What a build knows about how it was made, recorded beside the images so that whichever step publishes them
 * (docker-build, or docker-push later, on any machine) writes the same provenance. Build args are recorded
 * redacted; secrets by id only.
 */
export const buildProvenanceSchema = z.object({
  startedOn: z.string(),
  finishedOn: z.string(),
  /** Workspace-relative path of the Dockerfile and the sha256 of its bytes. */
  dockerfile: z.object({ path: z.string(), digest: z.string() }),
  context: z.string(),
  target: z.string().optional(),
  /** Every FROM the build resolved to a digest (from BuildKit's log), final stage's base first. */
  baseImages: z.array(z.object({ ref: z.string(), digest: z.string() })),
  builder: z.object({ engine: z.string(), janus: z.string() }),
  source: z.object({ repository: z.string().optional(), commit: z.string(), dirty: z.boolean().optional() }),
  /** SOURCE_DATE_EPOCH of a reproducible build. */
  sourceDateEpoch: z.number().optional(),
});

export type BuildProvenance = z.infer<typeof buildProvenanceSchema>;

/** `FROM name@sha256:…` lines of BuildKit's log, each image once, in the order the build resolved them. */
export function baseImagesFromBuildLog(lines: readonly string[]): BuildProvenance['baseImages'] {
  const seen = new Map<string, string>();
  for (const line of lines) {
    const m = /\bFROM (\S+)@(sha256:[0-9a-f]{64})\b/.exec(line);
    if (m && !seen.has(m[1])) seen.set(m[1], m[2]);
  }
  return [...seen].map(([ref, digest]) => ({ ref, digest }));
}

/** `pkg:docker/…` as in-toto subjects and SLSA dependencies name images (BuildKit does the same). */
export function dockerPurl(ref: string, platform?: string): string {
  return `pkg:docker/${ref}${platform ? `?platform=${encodeURIComponent(platform)}` : ''}`;
}

/** The SLSA v1 predicate for one platform image built as `facts` says, with these (already redacted) build args. */
export function slsaProvenance(facts: BuildProvenance, platform: string, buildArgs: Record<string, string>, secretIds: string[]) {
  const hex = (d: string) => ({ sha256: d.replace(/^sha256:/, '') });
  const source = facts.source.repository ? `git+${facts.source.repository}@${facts.source.commit}` : `git+unknown@${facts.source.commit}`;
  return {
    buildDefinition: {
      buildType: JANUS_BUILD_TYPE,
      externalParameters: {
        source: { repository: facts.source.repository, commit: facts.source.commit, ...(facts.source.dirty ? { dirty: true } : {}) },
        dockerfile: facts.dockerfile.path,
        context: facts.context,
        ...(facts.target ? { target: facts.target } : {}),
        platform,
        buildArgs,
        secrets: secretIds,
      },
      internalParameters: facts.sourceDateEpoch !== undefined ? { sourceDateEpoch: facts.sourceDateEpoch } : {},
      resolvedDependencies: [
        { uri: source, digest: { gitCommit: facts.source.commit } },
        { uri: facts.dockerfile.path, digest: hex(facts.dockerfile.digest) },
        ...facts.baseImages.map((b) => ({ uri: dockerPurl(b.ref, platform), digest: hex(b.digest) })),
      ],
    },
    runDetails: {
      builder: { id: `urn:janus:builder:docker-build:${facts.builder.engine}`, version: { janus: facts.builder.janus, engine: facts.builder.engine } },
      metadata: { startedOn: facts.startedOn, finishedOn: facts.finishedOn },
    },
  };
}
