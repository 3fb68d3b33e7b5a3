import { z } from 'zod';
import { REGISTRY_HOST_PATTERN } from '../../schema/common-fields';

export const schema = z
  .object({
    registry: z
      .string()
      .trim()
      .refine((r) => r === '' || REGISTRY_HOST_PATTERN.test(r), {
        error: 'must be a registry host[:port] like "ghcr.io" or "localhost:5000", or empty for none',
      })
      .optional()
      .meta({
        description:
          "The registry this workspace's images are pushed to (host[:port], e.g. ghcr.io), kept as the janus plugin's 'registry' option in nx.json. Empty: none yet (images stay in the local engine until one is set).",
        'x-prompt':
          'Which registry does this workspace push its images to (host[:port], e.g. ghcr.io)? Leave empty to keep images in the local engine for now.',
      }),
    skipFormat: z.boolean().default(false).meta({ description: 'Skip formatting files.', 'x-priority': 'internal' }),
  })
  .strict();

export type InitGeneratorOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusInit',
  title: 'Janus init',
  description: 'Registers the janus plugin in nx.json, so every project with a janus.json gets its container targets inferred.',
};
