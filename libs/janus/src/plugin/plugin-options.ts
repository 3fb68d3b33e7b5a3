import { z } from 'zod';
import { parseOptions } from '../schema/parse-options';

const pattern = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p), { error: 'must be relative to the workspace root, e.g. "apps/*/Dockerfile"' })
  .refine((p) => !p.split('/').includes('..'), { error: 'must stay inside the workspace (no "..")' })
  .refine((p) => /(^|\/)([^/]*[*?[{][^/]*|Dockerfile[^/]*)$/.test(p), { error: 'must name Dockerfiles, e.g. "services/*/Dockerfile" or "**/Dockerfile"' });

const targetName = z.string().regex(/^[a-z][\w:-]*$/, { error: 'must be a target name like "docker-build"' });

/** What a workspace sets in nx.json `plugins: [{ plugin: 'janus/plugin', options }]`. */
export const pluginOptionsSchema = z
  .object({
    include: z.array(pattern).default([]).meta({ description: 'Dockerfiles without a janus.json beside them that janus should own too (globs).' }),
    exclude: z.array(pattern).default([]).meta({ description: 'Dockerfiles janus must leave alone, even with a janus.json (globs).' }),
    templatesDir: z
      .string()
      .min(1, { error: 'must not be empty' })
      .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes('..'), {
        error: 'must be a folder inside the workspace, relative to its root, e.g. "tools/janus-templates"',
      })
      .optional()
      .meta({ description: "The workspace's own templates: partials/<name>.hbs there replace the plugin's partials, <set>/ files its set files." }),
    platforms: z.string().default('linux/amd64,linux/arm64').meta({ description: 'Default platforms of the inferred docker-build.' }),
    targetNames: z
      .object({
        lint: targetName.default('dockerfile-lint'),
        build: targetName.default('docker-build'),
        contract: targetName.default('contract-test'),
        push: targetName.default('docker-push'),
        run: targetName.default('docker-run'),
      })
      .strict()
      .default({ lint: 'dockerfile-lint', build: 'docker-build', contract: 'contract-test', push: 'docker-push', run: 'docker-run' }),
  })
  .strict();

export type JanusPluginOptions = z.input<typeof pluginOptionsSchema>;
export type NormalizedPluginOptions = z.output<typeof pluginOptionsSchema>;

export function normalizePluginOptions(raw: unknown): NormalizedPluginOptions {
  return parseOptions(pluginOptionsSchema, raw ?? {}, 'janus plugin options in nx.json');
}
