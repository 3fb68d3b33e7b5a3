import { z } from 'zod';

// Project names become directory names, Nx project names, image repository names and DNS labels
// (Nomad/Kubernetes services), so they follow the strictest of those: a lowercase DNS label.
export const PROJECT_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const projectName = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(63, { error: 'must be at most 63 characters (a DNS label)' })
  .regex(PROJECT_NAME_PATTERN, {
    error: 'must be lowercase letters, digits and single hyphens, starting with a letter (e.g. "my-agent")',
  });

// The reference grammar of the distribution spec: [host[:port]/]path[:tag][@digest].
const IMAGE_REFERENCE_PATTERN =
  /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
export const imageReference = z.string().regex(IMAGE_REFERENCE_PATTERN, {
  error: 'must be an image reference like "python:3.11-slim" or "registry.example.com/team/python:3.11-slim"',
});

// `host[:port]`, as the engine names a registry (no scheme, no path).
export const REGISTRY_HOST_PATTERN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
export const registryHost = z.string().regex(REGISTRY_HOST_PATTERN, { error: 'must be a registry host[:port] like "ghcr.io" or "localhost:5000"' });

export const port = z
  .number({ error: 'must be an integer from 1 to 65535' })
  .int({ error: 'must be an integer from 1 to 65535' })
  .min(1, { error: 'must be an integer from 1 to 65535' })
  .max(65535, { error: 'must be an integer from 1 to 65535' });

// uid 0 is root, which the container contract forbids; 65535+ collides with nobody/overflow ids on many hosts.
export const nonRootUid = z
  .number({ error: 'must be an integer from 1 to 65534 (0 is root)' })
  .int({ error: 'must be an integer from 1 to 65534 (0 is root)' })
  .min(1, { error: 'must be an integer from 1 to 65534 (0 is root)' })
  .max(65534, { error: 'must be an integer from 1 to 65534 (0 is root)' });

// docker stop's own grace period (10 s by default), bounded so a typo cannot hang a run for hours.
export const stopTimeoutSeconds = z
  .number({ error: 'must be a number of seconds from 0 to 600' })
  .int({ error: 'must be a whole number of seconds' })
  .min(0, { error: 'must be a number of seconds from 0 to 600' })
  .max(600, { error: 'must be a number of seconds from 0 to 600' })
  .default(10)
  .meta({ description: 'How long each container may take to stop on SIGTERM before it is killed.' });

export const FLAVORS = ['plain', 'agent-cli', 'langchain'] as const;
export const flavor = z.enum(FLAVORS);
export type Flavor = z.infer<typeof flavor>;

// Env keys that, given a value, would bake a credential into the image config.
export const SECRET_KEY_PATTERN = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

// Directories that git, npm and Nx own: a project inside them would be lost, ignored or overwritten.
const RESERVED_DIRS = ['.git', 'node_modules', 'dist', '.nx'];

/** Where a generator creates a project: inside the workspace, outside what tools own, one line. */
export const projectDirectory = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((d) => !d.startsWith('/') && !/^[A-Za-z]:/.test(d), { error: 'must be relative to the workspace root' })
  .refine((d) => !d.split(/[\\/]/).includes('..'), { error: 'must stay inside the workspace (no "..")' })
  // A shell expands ~ only at the start of a word, so `--directory=~/x` may arrive literally: it means home.
  .refine((d) => !d.startsWith('~'), { error: 'must be relative to the workspace root (~ is your home directory, outside it)' })
  // eslint-disable-next-line no-control-regex
  .refine((d) => !/[\u0000-\u001f\u007f]/.test(d), { error: 'must not contain control characters such as a newline' })
  .refine((d) => !d.split(/[\\/]/).some((part) => RESERVED_DIRS.includes(part)), {
    error: `must not be inside a directory tools own (${['.git', 'node_modules', 'dist', '.nx'].join(', ')})`,
  });
