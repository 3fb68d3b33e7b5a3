import { z } from 'zod';

const duration = (what: string, min: number, max: number) =>
  z
    .number({ error: `must be a number of milliseconds from ${min} to ${max} (${what})` })
    .int({ error: `must be a whole number of milliseconds from ${min} to ${max} (${what})` })
    .min(min, { error: `must be at least ${min} ms (${what})` })
    .max(max, { error: `must be at most ${max} ms (${what})` });

/** What the Sandy runner needs; every field but the two from the environment has a default. */
export const sandyConfigSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL of the Sandy API, e.g. "https://sandy.example.com"' })
    .transform((u) => u.replace(/\/+$/, '')),
  apiKey: z.string({ error: 'must be set (SANDY_API_KEY in the environment)' }).min(1, { error: 'must not be empty (SANDY_API_KEY in the environment)' }),
  /** The port the competitor listens on inside its container (the submission contract's 8080). */
  competitorPort: z
    .number({ error: 'must be an integer from 1 to 65535' })
    .int({ error: 'must be an integer from 1 to 65535' })
    .min(1, { error: 'must be an integer from 1 to 65535' })
    .max(65535, { error: 'must be an integer from 1 to 65535' })
    .default(8080),
  /** From the container starting in its sandbox (after the pull) to /health answering; the submission contract allows 30 s. */
  readyTimeoutMs: duration('sandbox ready', 100, 600_000).default(30_000),
  /** One Sandy API call; a pull of a large image runs inside one exec call, so this is generous. */
  requestTimeoutMs: duration('one Sandy API call', 100, 600_000).default(120_000),
  healthIntervalMs: duration('between health probes', 10, 60_000).default(500),
  /** A sandbox nobody leases for this long is terminated (Sandy bills sandboxes while they run). */
  idleTimeoutMs: duration('idle sandbox', 1_000, 86_400_000).default(300_000),
  /** The sandbox image that has a Docker engine in it, as Sandy names it. */
  sandboxImage: z.string().min(1, { error: 'must name a Sandy sandbox image with Docker in it' }).default('sandy-docker'),
  resources: z
    .strictObject({
      cpu: z.number().positive({ error: 'must be a positive number of CPUs' }),
      memory_mb: z.number().int().positive({ error: 'must be a positive whole number of MiB' }),
      disk_gb: z.number().int().positive({ error: 'must be a positive whole number of GB' }),
    })
    .default({ cpu: 2, memory_mb: 4096, disk_gb: 10 }),
});

export type SandyConfig = z.output<typeof sandyConfigSchema>;
export type SandyConfigInput = z.input<typeof sandyConfigSchema>;

export class SandyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`sandy runner: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SandyConfigError';
  }
}

function describe(field: string, value: unknown): string {
  // The key is a secret: its presence is all an error message may say about it.
  if (field === 'apiKey') return value === undefined ? '(missing)' : '(set, not shown)';
  if (value === undefined) return '(missing)';
  return JSON.stringify(value) ?? String(value);
}

/** Parses once, up front; the error names every bad field with its value and what is allowed. */
export function parseSandyConfig(raw: unknown): SandyConfig {
  const result = sandyConfigSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw new SandyConfigError(
    result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
      const field = issue.path.map(String).join('.') || '(config)';
      const value = 'input' in issue ? issue.input : undefined;
      return `'${field}' = ${describe(field, value)}: ${issue.message}`;
    }),
  );
}

/**
 * The runner's configuration from the environment: `SANDY_BASE_URL` and `SANDY_API_KEY` (the key is read
 * from nowhere else, so it never sits in a config file), other fields from `overrides`.
 */
export function sandyConfigFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Omit<SandyConfigInput, 'baseUrl' | 'apiKey'> = {}): SandyConfig {
  return parseSandyConfig({ ...overrides, baseUrl: env.SANDY_BASE_URL, apiKey: env.SANDY_API_KEY });
}
