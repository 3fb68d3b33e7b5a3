import { z } from 'zod';

export const schema = z
  .object({
    message: z.string().min(1).describe('What is wrong with the project and how to fix it; printed as the failure.'),
  })
  .strict();

export type ProblemOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusProblem',
  title: 'Janus problem',
  description: 'Stands in for the janus targets of a project whose janus.json cannot be read: fails, naming the file and what is wrong.',
};
