import { z } from 'zod';

export const schema = z
  .object({
    skipFormat: z.boolean().default(false).meta({ description: 'Skip formatting files.', 'x-priority': 'internal' }),
  })
  .strict();

export type InitGeneratorOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusInit',
  title: 'Janus init',
  description: 'Registers the janus plugin in nx.json, so every project with a janus.json gets its container targets inferred.',
};
