import { z } from 'zod';
import { stopTimeoutSeconds } from '../../schema/common-fields';

export const schema = z
  .object({
    timeoutSeconds: stopTimeoutSeconds,
  })
  .strict();

export type DockerStopOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerStop',
  title: 'Janus docker-stop',
  description: "Stops and removes this project's containers in this workspace (docker-run's, and compose services named after the project).",
};
