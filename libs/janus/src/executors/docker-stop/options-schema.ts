import { z } from 'zod';

export const schema = z
  .object({
    timeoutSeconds: z
      .number({ error: 'must be a number of seconds from 0 to 600' })
      .int({ error: 'must be a whole number of seconds' })
      .min(0, { error: 'must be a number of seconds from 0 to 600' })
      .max(600, { error: 'must be a number of seconds from 0 to 600' })
      .default(10)
      .meta({ description: 'How long each container may take to stop on SIGTERM before it is killed.' }),
  })
  .strict();

export type DockerStopOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerStop',
  title: 'Janus docker-stop',
  description: "Stops and removes this project's containers in this workspace (docker-run's, and compose services named after the project).",
};
