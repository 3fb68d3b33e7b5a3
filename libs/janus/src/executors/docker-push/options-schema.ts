import { z } from 'zod';

export const schema = z
  .object({
    metadata: z.string().optional().meta({ description: 'The docker-build metadata.json to publish (default: dist/docker/<project>/metadata.json).' }),
  })
  .strict();

export type DockerPushOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerPush',
  title: 'Janus docker-push',
  description: 'Pushes the images a docker-build recorded, every platform, and publishes the manifest list under every tag.',
};
