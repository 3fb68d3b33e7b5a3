import { z } from 'zod';
import { port } from '../../schema/common-fields';

export const schema = z
  .object({
    image: z.string().min(1).optional().meta({ description: "Image to run (default: this machine's platform image from the build record)." }),
    buildTarget: z.string().min(1).default('docker-build').meta({ description: 'The target whose build record names the image.' }),
    port: port.default(8080).meta({ description: 'The container port the server listens on.' }),
    hostPort: port.optional().meta({ description: 'The loopback port to publish it on (default: the same as port).' }),
    env: z.record(z.string(), z.string()).default({}).meta({ description: 'Environment for the container (secrets: pass them from your shell with envFrom).' }),
    envFrom: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' }))
      .default([])
      .meta({
        description: 'Names of variables to pass through from this shell, e.g. JANUS_LLM_API_KEY, so secrets never sit in project.json.',
      }),
  })
  .strict();

export type DockerRunOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerRun',
  title: 'Janus docker-run',
  description: "Runs the built image for this machine's platform on localhost and follows its logs until Ctrl-C.",
};
