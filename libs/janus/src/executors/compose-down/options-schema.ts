import { z } from 'zod';
import { composeFields } from '../../compose/compose-options';

export const schema = z
  .object({
    ...composeFields,
    timeoutSeconds: z
      .number({ error: 'must be a number of seconds from 0 to 600' })
      .int({ error: 'must be a whole number of seconds' })
      .min(0, { error: 'must be a number of seconds from 0 to 600' })
      .max(600, { error: 'must be a number of seconds from 0 to 600' })
      .default(10)
      .meta({ description: 'How long each container may take to stop on SIGTERM before it is killed.' }),
    volumes: z.boolean().default(false).meta({ description: "Also remove the compose file's named volumes (their data is lost)." }),
  })
  .strict();

export type ComposeDownOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusComposeDown',
  title: 'Janus compose-down',
  description: "Stops and removes the compose project's containers and networks, and checks that none of its containers is left.",
};
