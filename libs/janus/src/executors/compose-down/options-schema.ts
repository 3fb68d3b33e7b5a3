import { z } from 'zod';
import { stopTimeoutSeconds } from '../../schema/common-fields';
import { composeFields } from '../../compose/compose-options';

export const schema = z
  .object({
    ...composeFields,
    timeoutSeconds: stopTimeoutSeconds,
    volumes: z.boolean().default(false).meta({ description: "Also remove the compose file's named volumes (their data is lost)." }),
  })
  .strict();

export type ComposeDownOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusComposeDown',
  title: 'Janus compose-down',
  description: "Stops and removes the compose project's containers and networks, and checks that none of its containers is left.",
};
