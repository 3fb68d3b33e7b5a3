import { z } from 'zod';
import { port, projectDirectory, projectName } from '../../schema/common-fields';

// Every value lands in a systemd unit line and a docker argument: no spaces, quotes, % or $ (systemd
// specifiers and variables), so none needs escaping and none can inject another argument.
const unitSafe = /^[A-Za-z0-9._:/@+=-]+$/;
const envEntry = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(=[^\n\r]*)?$/, { error: 'must be NAME or NAME=value (one line)' })
  // eslint-disable-next-line no-control-regex
  .refine((e) => !/[\u0000-\u001f\u007f]/.test(e), { error: 'must be one line without control characters' });

export const schema = z
  .object({
    project: projectName.meta({
      description: 'The project to deploy (a janus container project in this workspace).',
      $default: { $source: 'argv', index: 0 },
      'x-prompt': 'Which project should be deployed?',
      'x-priority': 'important',
    }),
    registry: z
      .string()
      .regex(/^[a-z0-9.-]+(:[0-9]+)?$/, { error: 'must be a registry host[:port] like "ghcr.io" or "registry.example.com:5000"' })
      .optional()
      .meta({
        description:
          "Registry the host pulls from (default: the project's docker-build registry, else the workspace's: the janus plugin's 'registry' option in nx.json).",
      }),
    image: z
      .string()
      .regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, {
        error: 'must be a lowercase repository path like "team/my-agent"',
      })
      .optional()
      .meta({ description: "Repository to pull (default: the project's docker-build image, else its name)." }),
    tag: z
      .string()
      .regex(/^[\w][\w.-]{0,127}$/, { error: 'must be an image tag (letters, digits, _ . -; at most 128)' })
      .default('latest')
      .meta({ description: 'The tag the host follows: a new digest under it restarts the service (latest, main, 1, 1.2 ...).' }),
    port: port.optional().meta({ description: "The container port the server listens on (default: janus.json's, else 8080)." }),
    hostPort: port.optional().meta({ description: 'The host port it is published on (default: the same as port); not with network none.' }),
    bind: z
      .union([z.ipv4({ error: 'must be an IPv4 address such as 127.0.0.1 or 0.0.0.0' }), z.literal('0.0.0.0')])
      .default('127.0.0.1')
      .meta({ description: 'Host address to publish on: 127.0.0.1 behind a local reverse proxy, 0.0.0.0 for every interface.' }),
    network: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { error: 'must be a docker network name: bridge, none or one you created' })
      .default('bridge')
      .meta({
        description: 'Docker network: "none" for sibling containers that must reach nothing (nothing is published then), "bridge", or a network of your own.',
      }),
    memory: z
      .string()
      .regex(/^[1-9][0-9]*[bkmg]$/, { error: 'must be a size like 512m or 2g' })
      .default('1g')
      .meta({ description: 'Memory limit (swap is not added on top of it).' }),
    pidsLimit: z
      .number({ error: 'must be an integer from 16 to 65536' })
      .int({ error: 'must be an integer from 16 to 65536' })
      .min(16, { error: 'must be an integer from 16 to 65536' })
      .max(65536, { error: 'must be an integer from 16 to 65536' })
      .default(256)
      .meta({ description: 'Most processes the container may have.' }),
    readOnly: z.boolean().default(true).meta({ description: 'Run with a read-only root filesystem (writable paths: tmpfs).' }),
    tmpfs: z
      .array(
        z
          .string()
          .regex(/^\/[A-Za-z0-9._/-]*$/, { error: 'must be an absolute path such as /tmp' })
          .refine((p) => !p.split('/').includes('..'), { error: 'must not contain ..' }),
      )
      .default(['/tmp'])
      .meta({ description: 'In-memory writable paths (with readOnly).' }),
    env: z.array(envEntry).optional().meta({
      description:
        'Variables for the env file template: NAME (a placeholder to fill in on the host) or NAME=value. Secret-looking names take no value here. Default: for baseline agents JANUS_LLM_API_KEY, JANUS_PLATFORM_URL and LOG_LEVEL=INFO; else LOG_LEVEL=INFO.',
    }),
    updateInterval: z
      .string()
      .regex(/^[1-9][0-9]*(s|min|h|d)$/, { error: 'must be a systemd time span like 30s, 5min, 1h or 1d' })
      .default('5min')
      .meta({ description: 'How often the host checks the tag for a new digest.' }),
    unitName: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: 'must be a unit name: lowercase letters, digits, _ . -' })
      .optional()
      .meta({ description: 'systemd unit (and container) name (default: janus-<project>).' }),
    envFilePath: z
      .string()
      .regex(/^\/[A-Za-z0-9._/-]+$/, { error: 'must be an absolute path such as /etc/janus/my-agent.env' })
      .optional()
      .meta({ description: 'Where the env file lives on the host (default: /etc/janus/<project>.env).' }),
    dockerPath: z
      .string()
      .regex(unitSafe, { error: 'must be an absolute path without spaces' })
      .refine((p) => p.startsWith('/'), { error: 'must be an absolute path such as /usr/bin/docker' })
      .default('/usr/bin/docker')
      .meta({ description: 'The docker client on the host (systemd needs an absolute path).' }),
    directory: projectDirectory.optional().meta({ description: 'Where the files are written (default: deploy/<project>).' }),
    skipFormat: z.boolean().default(false).meta({ description: 'Skip formatting files.', 'x-priority': 'internal' }),
  })
  .strict();

export type DeployGeneratorOptions = z.input<typeof schema>;
export type ParsedDeployOptions = z.output<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDeploy',
  title: 'Janus deploy',
  description:
    'systemd units for a host: a service that pulls the image by tag and runs it with the safety flags (read-only, no capabilities, no new privileges, memory and pids limits), restarting on failure, and a timer that pulls again and restarts it only when the digest changed; plus the env file template.',
};
