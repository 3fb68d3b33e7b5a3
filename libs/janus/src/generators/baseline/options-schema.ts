import { z } from 'zod';
import { flavor, imageReference, nonRootUid, port, projectName } from '../../schema/common-fields';

// Directories that git, npm and Nx own: a project inside them would be lost, ignored or overwritten.
const RESERVED_DIRS = ['.git', 'node_modules', 'dist', '.nx'];

const directory = z
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

const tags = z
  .union([z.string(), z.array(z.string())])
  .transform((t) => (Array.isArray(t) ? t : t.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[\w:./-]+$/, { error: 'tags may hold letters, digits and _ : . / -' })));

export const schema = z
  .object({
    name: projectName.meta({
      description: 'Project name: a lowercase DNS label, also used for the image name.',
      $default: { $source: 'argv', index: 0 },
      'x-prompt': 'What name would you like to use for the agent project?',
      'x-priority': 'important',
    }),
    directory: directory.optional().meta({ description: 'Where to create the project (default: apps/<name>).' }),
    flavor: flavor.default('plain').meta({ description: 'Agent wiring: plain proxy/echo, an agent CLI wrapper, or LangChain.' }),
    port: port.default(8080).meta({ description: 'Port the server listens on inside the container.' }),
    baseImage: imageReference.default('python:3.11-slim').meta({ description: 'Base image for both build stages.' }),
    uid: nonRootUid.default(1000).meta({ description: 'Numeric uid of the non-root user the container runs as.' }),
    tags: tags.default([]).meta({ description: 'Comma-separated Nx project tags.' }),
    skipFormat: z.boolean().default(false).meta({ description: 'Skip formatting files.', 'x-priority': 'internal' }),
  })
  .strict();

export type BaselineGeneratorOptions = z.input<typeof schema>;
export type NormalizedBaselineOptions = z.output<typeof schema> & { directory: string };

export const schemaMeta = {
  $id: 'JanusBaseline',
  title: 'Janus baseline agent container',
  description: 'Generates an OpenAI-compatible agent server project that builds into a compliant container.',
};
