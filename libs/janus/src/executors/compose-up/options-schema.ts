import { z } from 'zod';
import { composeFields } from '../../compose/compose-options';

export const schema = z
  .object({
    ...composeFields,
    services: z
      .array(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { error: 'must be a compose service name' }))
      .default([])
      .meta({ description: 'Services to start (default: all), with what they depend on.' }),
    tag: z
      .string()
      .regex(/^[\w][\w.-]{0,127}$/, { error: 'must be an image tag (letters, digits, _ . -; at most 128)' })
      .optional()
      .meta({
        description:
          "The JANUS_TAG the compose file's images use (default: the sha-* tag the services' docker-build records share, so compose runs exactly what was just built).",
      }),
    timeoutSeconds: z
      .number({ error: 'must be a number of seconds from 1 to 3600' })
      .int({ error: 'must be a whole number of seconds' })
      .min(1, { error: 'must be a number of seconds from 1 to 3600' })
      .max(3600, { error: 'must be a number of seconds from 1 to 3600' })
      .default(120)
      .meta({ description: 'How long every service may take to become healthy before everything is taken down again.' }),
  })
  .strict();

export type ComposeUpOptions = z.input<typeof schema>;
export type NormalizedComposeUp = z.output<typeof schema>;

export const schemaMeta = {
  $id: 'JanusComposeUp',
  title: 'Janus compose-up',
  description:
    "Starts the workspace's compose file in the background with the images its projects' docker-build made, and waits until every service is healthy (or takes it all down again).",
};
