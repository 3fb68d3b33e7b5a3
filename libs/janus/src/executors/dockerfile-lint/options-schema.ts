import { z } from 'zod';
import { port } from '../../schema/common-fields';
import { HADOLINT_IDS, RULE_IDS } from './lib/rules';

export const schema = z
  .object({
    dockerfile: z.string().default('Dockerfile').meta({ description: 'Dockerfile path, relative to the project root (absolute paths allowed).' }),
    dockerignore: z.string().optional().meta({ description: 'The .dockerignore to check (default: the one beside the Dockerfile).' }),
    port: port.optional().meta({ description: 'The port the server listens on; EXPOSE must include it.' }),
    format: z.enum(['text', 'json']).default('text').meta({ description: 'Output format.' }),
    ignore: z
      .array(
        z.string().refine((id) => RULE_IDS.includes(id) || HADOLINT_IDS.includes(id), {
          error: `must be a rule id: ${RULE_IDS.join(', ')}, or a hadolint id one of them stands for: ${HADOLINT_IDS.join(', ')}`,
        }),
      )
      .default([])
      .meta({ description: 'Rule ids to switch off for this project: JD… ids, or the hadolint DL… ids they stand for.' }),
    outputFile: z.string().optional().meta({ description: 'Also write the JSON report here (relative to the workspace root).' }),
  })
  .strict();

export type DockerfileLintOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerfileLint',
  title: 'Janus dockerfile-lint',
  description: 'Checks a Dockerfile and its .dockerignore against the Janus container conventions.',
};
