import { z } from 'zod';
import { registryHost } from '../schema/common-fields';
import { parseOptions } from '../schema/parse-options';
import { BUILD_NETWORKS, ENGINE_CHOICES } from './machine-settings';
import { PLUGIN_ENTRY } from './plugin-names';
import { DEFAULT_PLATFORMS } from '../oci/platform';

/** How a workspace names its registry, for every message about a missing one. */
export const SET_REGISTRY_HINT = 'set "registry" in the janus plugin options in nx.json (nx g janus:init --registry=<host[:port]>, e.g. ghcr.io)';

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
    registry: registryHost.optional().meta({
      description:
        "The registry this workspace's images are tagged for and pushed to (host[:port], e.g. ghcr.io); docker-build, docker-push and janus:deploy use it. Without it images stay in the local engine.",
    }),
    buildNetwork: z
      .enum(BUILD_NETWORKS)
      .optional()
      .meta({ description: "Network for build RUN steps on this workspace's machines (JANUS_BUILD_NETWORK wins); default: the engine's own." }),
    npmRegistry: z
      .string()
      .regex(/^https?:\/\/[^\s/]+/, { error: 'must be an http(s) URL like "https://registry.npmjs.org/"' })
      .optional()
      .meta({ description: "npm registry the templates' npm steps install from (JANUS_NPM_REGISTRY wins); default: npm's own (the public registry)." }),
    npmCaFile: z
      .string()
      .min(1, { error: 'must not be empty' })
      .optional()
      .meta({ description: 'CA bundle (PEM) npm must trust in builds, passed as the npm-ca BuildKit secret (JANUS_NPM_CA_FILE wins); default: none.' }),
    builders: z
      .union([z.string(), z.record(z.string(), z.string())])
      .optional()
      .meta({
        description:
          'The engine each platform is built on, e.g. { "linux/arm64": "ssh://ci@arm-host" }: unix:///path.sock, tcp://host:2376 (TLS; ?certs=<dir>, else DOCKER_CERT_PATH) or ssh://user@host, ?emulated=true to allow another architecture. JANUS_BUILDERS (linux/arm64=ssh://ci@arm-host,...) wins; platforms without one use the local engine.',
      }),
    splitPlatforms: z.boolean().default(false).meta({
      description:
        'Build each platform in its own target (docker-build-amd64, docker-build-arm64: one CI runner per platform, each pushing its image to the registry by digest); docker-build then merges their records into one, rebuilding nothing.',
    }),
    engine: z.enum(ENGINE_CHOICES).optional().meta({
      description:
        "Container engine this workspace's targets build and run on: docker, podman (its Docker-compatible socket and the podman build CLI) or auto (Docker's socket when it is there, else Podman's). JANUS_ENGINE and a target's own 'engine' option win.",
    }),
    platforms: z.string().default(DEFAULT_PLATFORMS.join(',')).meta({ description: 'Default platforms of the inferred docker-build.' }),
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

/** The janus entry's raw options in nx.json, or undefined when the workspace does not register the plugin. */
export function janusPluginEntryOptions(nxJson: { plugins?: Array<string | { plugin: string; options?: unknown }> } | undefined): unknown {
  const entry = (nxJson?.plugins ?? []).find((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_ENTRY);
  return entry === undefined ? undefined : typeof entry === 'string' ? {} : (entry.options ?? {});
}
