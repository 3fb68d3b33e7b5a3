import { z } from 'zod';
import { port } from '../../schema/common-fields';
import { HADOLINT_IDS, RULE_IDS } from './lib/rules';

export const schema = z
  .object({
    dockerfile: z
      .string()
      .min(1, { error: 'must name the Dockerfile: a path relative to the project root, or absolute' })
      .default('Dockerfile')
      .meta({ description: 'The Dockerfile to check: a file path relative to the project root (absolute paths allowed).' }),
    dockerignore: z
      .string()
      .min(1, { error: 'must name a .dockerignore file: a path relative to the project root, or absolute (leave it out for the default)' })
      .optional()
      .meta({
        description: 'The .dockerignore to check: a file path relative to the project root (absolute paths allowed). Default: the one beside the Dockerfile.',
      }),
    port: port.optional().meta({ description: 'The port the server listens on; EXPOSE must include it.' }),
    format: z
      .enum(['text', 'json', 'sarif'])
      .default('text')
      .meta({ description: 'Output format: text for people, json, or sarif (SARIF 2.1.0) for code-scanning services.' }),
    ignore: z
      .array(
        z.string().refine((id) => RULE_IDS.includes(id) || HADOLINT_IDS.includes(id), {
          error: `must be a rule id: ${RULE_IDS.join(', ')}, or a hadolint id one of them stands for: ${HADOLINT_IDS.join(', ')}`,
        }),
      )
      .default([])
      .meta({ description: 'Rule ids to switch off for this project: JD… ids, or the hadolint DL… ids they stand for.' }),
    outputFile: z.string().min(1, { error: 'must name a file: a path relative to the workspace root, or absolute' }).optional().meta({
      description:
        'Also write the report to this file (SARIF with format sarif, JSON otherwise): a path relative to the workspace root (absolute paths allowed).',
    }),
  })
  .strict();

export type DockerfileLintOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerfileLint',
  title: 'Janus dockerfile-lint',
  description: 'Checks a Dockerfile and its .dockerignore against the Janus container conventions.',
};
