import { z } from 'zod';

export const schema = z
  .object({
    platformTargets: z
      .array(z.string().min(1, { error: 'must be a target name' }))
      .min(1, { error: 'must name at least one platform build target' })
      .meta({
        description:
          "The per-platform build targets (e.g. docker-build-amd64, docker-build-arm64) whose records are merged; each target's outputPath is where its record is read.",
      }),
    outputPath: z.string().min(1, { error: 'must not be empty' }).optional().meta({
      description: 'Where the merged metadata.json goes (default: dist/docker/<project>), read by contract-test and docker-push as a docker-build record.',
    }),
  })
  .strict();

export type DockerMergeOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerMerge',
  title: 'Janus docker-merge',
  description:
    'Merges the records of platform builds made apart (one runner per platform) into one build record, refusing records of another commit or base image; nothing is rebuilt.',
};
