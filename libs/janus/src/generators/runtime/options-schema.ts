import { z } from 'zod';
import { imageReference, nonRootUid, projectDirectory } from '../../schema/common-fields';

// npm's own grammar for a package name: optional @scope/, lowercase, no leading dot or underscore.
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export const schema = z
  .object({
    provider: z.enum(['openai', 'anthropic', 'google', 'custom']).meta({
      description: 'Which agent CLI: openai (@openai/codex), anthropic (@anthropic-ai/claude-code), google (@google/gemini-cli), or custom (--package, --bin).',
      $default: { $source: 'argv', index: 0 },
      'x-prompt': 'Which agent CLI should the runtime run (openai, anthropic, google, custom)?',
      'x-priority': 'important',
    }),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'must be lowercase letters, digits and single hyphens, starting with a letter' })
      .max(63, { error: 'must be at most 63 characters (a DNS label)' })
      .optional()
      .meta({ description: 'Project name (default: <provider>-runtime).' }),
    directory: projectDirectory.optional().meta({ description: 'Where to create the project (default: containers/<name>).' }),
    package: z.string().regex(PACKAGE_NAME, { error: 'must be an npm package name like "@scope/cli" or "cli"' }).optional().meta({
      description: 'custom: the npm package of the CLI.',
    }),
    bin: z
      .string()
      .regex(/^[\w.-]+$/, { error: 'must be a command name (letters, digits, _ . -)' })
      .optional()
      .meta({ description: 'custom: the command the package installs (default: its only bin).' }),
    credentials: z
      .union([z.string(), z.array(z.string())])
      .transform((c) => (Array.isArray(c) ? c : c.split(',')).map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'must be environment variable names like "MY_API_KEY"' })))
      .optional()
      .meta({ description: 'custom: environment variables that hold a credential (comma-separated; any one suffices). Default: none checked.' }),
    // Not `version`: the nx CLI takes --version for itself and hands generators `false` instead.
    cliVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+(-[\w.-]+)?$/, { error: 'must be an exact version like "1.2.3" (no ranges: a runtime pins its CLI)' })
      .optional()
      .meta({ description: "Exact CLI version (default: the newest whose engines.node accepts the base image's Node, from the npm registry)." }),
    baseImage: imageReference.default('node:20-slim').meta({ description: 'Base image (must provide node and npm).' }),
    nodeVersion: z
      .string()
      .regex(/^\d+(\.(\d+|x))?(\.(\d+|x))?$/, { error: 'must be a Node version or line like "20", "20.x" or "20.11.1"' })
      .optional()
      .meta({ description: 'The Node the base image ships, when its tag does not say (node:<version>… does).' }),
    uid: nonRootUid.default(1000).meta({ description: 'Numeric uid of the `runtime` user.' }),
    skipFormat: z.boolean().default(false).meta({ description: 'Skip formatting files.', 'x-priority': 'internal' }),
  })
  .strict();

export type RuntimeGeneratorOptions = z.input<typeof schema>;
export type ParsedRuntimeOptions = z.output<typeof schema>;

export const schemaMeta = {
  $id: 'JanusRuntime',
  title: 'Janus agent runtime container',
  description: 'Generates a container that runs a coding-agent CLI (codex, claude, gemini or another npm CLI) as user runtime, with a Nomad job.',
};
