import { z } from 'zod';

export const schema = z
  .object({
    follow: z.boolean().default(false).meta({ description: 'Keep following new output until Ctrl-C.' }),
    tail: z
      .union([
        z
          .number({ error: 'must be a whole number of lines (0 or more) or "all"' })
          .int({ error: 'must be a whole number of lines (0 or more) or "all"' })
          .min(0, { error: 'must be a whole number of lines (0 or more) or "all"' }),
        z.literal('all'),
      ])
      .default(100)
      .meta({ description: 'How many of the last lines to show first, or "all".' }),
    timestamps: z.boolean().default(false).meta({ description: "Prefix each line with the engine's timestamp." }),
  })
  .strict();

export type DockerLogsOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerLogs',
  title: 'Janus docker-logs',
  description: "Shows the output of this project's containers in this workspace: the one docker-run started, and compose services named after the project.",
};
