import { z } from 'zod';

export const schema = z
  .object({
    buildTarget: z
      .string()
      .min(1)
      .default('docker-build')
      .meta({ description: 'The target whose build record is published (its outputPath is where the record is read).' }),
    metadata: z
      .string()
      .min(1, { error: 'must not be empty' })
      .optional()
      .meta({ description: "The build record to publish (default: the build target's metadata.json; relative to the workspace root, absolute allowed)." }),
    outputPath: z.string().min(1, { error: 'must not be empty' }).optional().meta({
      description: 'Where docker-push writes its publish record, publish.json (default: dist/docker-push/<project>; relative to the workspace root).',
    }),
    contractTarget: z.string().min(1).default('contract-test').meta({ description: 'The target whose report must show the built image passed the contract.' }),
    requireContract: z
      .boolean()
      .default(true)
      .meta({ description: "Refuse to publish unless the contract report names this build's image and says it passed." }),
    allowDirty: z.boolean().default(false).meta({
      description: 'Publish a build of a dirty tree (its record says so); it goes out under its sha-<7>-dirty tag only, the only tag docker-build gave it.',
    }),
  })
  .strict();

export type DockerPushOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerPush',
  title: 'Janus docker-push',
  description: 'Pushes the images a docker-build recorded, every platform, and publishes the manifest list under every tag.',
};
