import { z } from 'zod';
import { PROVIDERS } from './providers';
import { SLIM_TOOLS } from './slim-tools';
import { flavor, imageReference, nonRootUid, port, projectName, SECRET_KEY_PATTERN } from '../schema/common-fields';

/** One ENV line of a rendered Dockerfile; shared by every template set that renders the env-block partial. */
export const envEntry = z
  .object({
    key: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'must be an upper-case environment variable name' }),
    value: z.string().regex(/^[^\s"'\\]*$/, { error: 'must not contain whitespace, quotes or backslashes' }),
  })
  .refine((e) => e.value === '' || !SECRET_KEY_PATTERN.test(e.key), {
    error: 'secret-looking variables must not get a value in the image: pass them at run time',
  });

/**
 * Everything the baseline templates may refer to. Templates render in Handlebars strict mode, so a name
 * missing here fails the render instead of producing an empty string in a Dockerfile.
 */
export const baselineContextSchema = z
  .object({
    name: projectName,
    title: z.string().min(1),
    description: z.string().min(1),
    flavor,
    port,
    uid: nonRootUid,
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: 'must be a valid Linux user name' }),
    baseImage: imageReference,
    modelId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/),
    healthcheck: z.object({
      interval: z.string().regex(/^\d+(ms|s|m)$/),
      timeout: z.string().regex(/^\d+(ms|s|m)$/),
      startPeriod: z.string().regex(/^\d+(ms|s|m)$/),
      retries: z.number().int().min(1),
      path: z.string().startsWith('/'),
    }),
    env: z.array(envEntry).min(1),
    /** The runtime CLIs' unattended command lines, in the order the agent-cli flavor looks for them on PATH. */
    agentClis: z.array(z.array(z.string().min(1)).min(1)),
    /** The base's commands the slim final stage keeps (SLIM_TOOLS). */
    slimTools: z.string().min(1),
  })
  .strict();

export type BaselineContext = z.infer<typeof baselineContextSchema>;

export interface BaselineContextInput {
  name: string;
  flavor: z.infer<typeof flavor>;
  port: number;
  uid: number;
  baseImage: string;
}

/** The single place where generator options become template values, with the contract's fixed defaults. */
export function baselineContext(input: BaselineContextInput): BaselineContext {
  const title = input.name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
  return baselineContextSchema.parse({
    name: input.name,
    title,
    description: `${title}: an OpenAI-compatible agent server (${input.flavor} flavor)`,
    flavor: input.flavor,
    port: input.port,
    uid: input.uid,
    user: 'app',
    baseImage: input.baseImage,
    modelId: `janus-${input.name}`,
    version: '0.1.0',
    healthcheck: { interval: '10s', timeout: '5s', startPeriod: '10s', retries: 3, path: '/health' },
    env: [
      { key: 'PYTHONDONTWRITEBYTECODE', value: '1' },
      { key: 'PYTHONUNBUFFERED', value: '1' },
      { key: 'PATH', value: '/opt/venv/bin:$PATH' },
      { key: 'HOST', value: '0.0.0.0' },
      { key: 'PORT', value: String(input.port) },
      { key: 'LOG_LEVEL', value: 'INFO' },
      { key: 'DEBUG', value: 'false' },
    ],
    agentClis: Object.values(PROVIDERS).map((p) => p.headless),
    slimTools: SLIM_TOOLS,
  });
}
