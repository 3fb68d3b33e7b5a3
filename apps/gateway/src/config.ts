import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Competitor } from './runners/competitor-runner';

/**
 * The gateway is configured only through its environment. Competitors come from `JANUS_COMPETITORS` (a JSON
 * array) or `JANUS_COMPETITORS_FILE` (a file holding one), or `COMPETITOR_URL` for a single fixed upstream.
 * Secrets never sit in that JSON: a competitor names the gateway variables it needs (`envFrom`), and their
 * values are read from the gateway's own environment.
 */

/** Variables only the environment may carry: a value for one in `env` is refused. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;
export const KNOWN_SECRETS = ['CHUTES_API_KEY', 'TAVILY_API_KEY', 'SANDY_API_KEY'] as const;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)' });
const seconds = (d: number) => z.coerce.number().positive({ error: 'must be a positive number of seconds' }).default(d);

const competitorEntry = z
  .object({
    model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, { error: 'must be a model id: letters, digits and . _ : / -' }),
    runner: z.enum(['docker', 'fixed', 'sandy'], { error: 'must be one of: docker, fixed, sandy' }).optional(),
    image: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    port: z.number().int().min(1).max(65535).default(8080),
    env: z
      .record(envName, z.string())
      .default({})
      .superRefine((env, ctx) => {
        for (const key of Object.keys(env).filter((k) => SECRET_NAME.test(k) && env[k] !== '')) {
          ctx.addIssue({ code: 'custom', path: [key], message: `a secret-looking variable cannot have a value here: list "${key}" in envFrom instead` });
        }
      }),
    envFrom: z.array(envName).default([]),
    readOnlyRoot: z.boolean().default(true),
  })
  .strict()
  .superRefine((c, ctx) => {
    const runner = c.runner ?? (c.url ? 'fixed' : 'docker');
    if (runner === 'fixed' && !c.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required for runner "fixed"' });
    if (runner !== 'fixed' && !c.image) ctx.addIssue({ code: 'custom', path: ['image'], message: `is required for runner "${runner}"` });
  });
export type CompetitorEntry = z.infer<typeof competitorEntry>;

const competitorList = z.array(competitorEntry).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((c, i) => {
    if (seen.has(c.model)) ctx.addIssue({ code: 'custom', path: [i, 'model'], message: `"${c.model}" is already used by entry ${seen.get(c.model)}` });
    seen.set(c.model, i);
  });
});

const environment = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('info'),
  COMPETITOR_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  COMPETITOR_MODEL: z.string().min(1).optional(),
  JANUS_GATEWAY_ECHO_MODEL: z.string().min(1).optional(),
  JANUS_GATEWAY_INSTANCE: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, { error: 'must be 1-63 letters, digits, . _ - (it becomes a container label and name)' })
    .default('gateway'),
  JANUS_DOCKER_WARM: z.coerce.number().int().min(0, { error: 'must be an integer ≥ 0' }).default(0),
  JANUS_DOCKER_IDLE_TIMEOUT_S: seconds(300),
  JANUS_DOCKER_READY_TIMEOUT_S: seconds(30),
  JANUS_DOCKER_MEMORY_MB: z.coerce.number().int().min(16, { error: 'must be an integer ≥ 16' }).default(1024),
  JANUS_DOCKER_STREAMS_PER_CONTAINER: z.coerce.number().int().min(1, { error: 'must be an integer ≥ 1' }).default(32),
  JANUS_DOCKER_MAX_CONTAINERS: z.coerce.number().int().min(1, { error: 'must be an integer ≥ 1' }).default(4),
  JANUS_DOCKER_NETWORK: z.string().min(1).optional(),
  JANUS_UPSTREAM_IDLE_TIMEOUT_S: seconds(120),
});

export interface DockerSettings {
  instance: string;
  warm: number;
  idleTimeoutMs: number;
  readyTimeoutMs: number;
  memoryBytes: number;
  streamsPerContainer: number;
  maxContainers: number;
  /** Join this network and address competitors by their IP there (the gateway itself in a container); else publish on 127.0.0.1. */
  network?: string;
}

export interface GatewayConfig {
  host: string;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  competitors: Array<Competitor & { runner: 'docker' | 'fixed' | 'sandy'; port: number; readOnlyRoot: boolean }>;
  /** A competitor the gateway serves itself (off unless JANUS_GATEWAY_ECHO_MODEL names it). */
  echoModel?: string;
  /** COMPETITOR_URL without COMPETITOR_MODEL: the models are the ones that upstream lists. */
  discoverFrom?: string;
  docker: DockerSettings;
  upstreamIdleTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function describe(prefix: string, error: z.ZodError, input: unknown): string[] {
  return error.issues.map((issue) => {
    let value: unknown = input;
    for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
    const where = [prefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/\.(?=\[)/g, '');
    // Values of secret-looking fields are never echoed back.
    const shown = issue.path.some((p) => SECRET_NAME.test(String(p))) ? '<hidden>' : value === undefined ? 'missing' : JSON.stringify(value);
    return `${where}: ${shown}: ${issue.message}`;
  });
}

/** The gateway's configuration from its environment; a ConfigError lists every problem, each naming the field, the value and what is allowed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems: string[] = [];
  const parsedEnv = environment.safeParse(env);
  if (!parsedEnv.success) problems.push(...describe('', parsedEnv.error, env).map((p) => p.replace(/^\./, '')));

  let raw: unknown = [];
  let source = 'JANUS_COMPETITORS';
  if (env.JANUS_COMPETITORS_FILE) {
    source = `JANUS_COMPETITORS_FILE (${env.JANUS_COMPETITORS_FILE})`;
    try {
      raw = JSON.parse(readFileSync(env.JANUS_COMPETITORS_FILE, 'utf8'));
    } catch (e) {
      problems.push(`${source}: cannot be read as JSON: ${(e as Error).message}`);
    }
  } else if (env.JANUS_COMPETITORS) {
    try {
      raw = JSON.parse(env.JANUS_COMPETITORS);
    } catch (e) {
      problems.push(`JANUS_COMPETITORS: not valid JSON (${(e as Error).message}); allowed: a JSON array of {"model", "image" | "url", ...}`);
    }
  }
  const list = competitorList.safeParse(raw);
  if (!list.success) problems.push(...describe(source.split(' ')[0], list.error, raw));

  const competitors: GatewayConfig['competitors'] = [];
  if (list.success) {
    list.data.forEach((c, i) => {
      const passed: Record<string, string> = { ...c.env };
      for (const name of c.envFrom) {
        const value = env[name];
        if (value === undefined) problems.push(`${source.split(' ')[0]}[${i}].envFrom: "${name}" is not set in the gateway's environment`);
        else passed[name] = value;
      }
      competitors.push({
        model: c.model,
        runner: c.runner ?? (c.url ? 'fixed' : 'docker'),
        ...(c.image ? { image: c.image } : {}),
        ...(c.url ? { url: c.url } : {}),
        env: passed,
        port: c.port,
        readOnlyRoot: c.readOnlyRoot,
      });
    });
  }
  if (problems.length || !parsedEnv.success) throw new ConfigError(`invalid gateway configuration:\n  ${problems.join('\n  ')}`);
  const e = parsedEnv.data;
  if (e.COMPETITOR_URL && e.COMPETITOR_MODEL) {
    if (competitors.some((c) => c.model === e.COMPETITOR_MODEL)) {
      throw new ConfigError(`invalid gateway configuration:\n  COMPETITOR_MODEL: "${e.COMPETITOR_MODEL}" is already a model in ${source.split(' ')[0]}`);
    }
    competitors.push({ model: e.COMPETITOR_MODEL, runner: 'fixed', url: e.COMPETITOR_URL, env: {}, port: 0, readOnlyRoot: true });
  }
  if (e.JANUS_GATEWAY_ECHO_MODEL && competitors.some((c) => c.model === e.JANUS_GATEWAY_ECHO_MODEL)) {
    throw new ConfigError(`invalid gateway configuration:\n  JANUS_GATEWAY_ECHO_MODEL: "${e.JANUS_GATEWAY_ECHO_MODEL}" is already a configured competitor`);
  }
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL.toLowerCase() as GatewayConfig['logLevel'],
    competitors,
    ...(e.JANUS_GATEWAY_ECHO_MODEL ? { echoModel: e.JANUS_GATEWAY_ECHO_MODEL } : {}),
    ...(e.COMPETITOR_URL && !e.COMPETITOR_MODEL ? { discoverFrom: e.COMPETITOR_URL } : {}),
    docker: {
      instance: e.JANUS_GATEWAY_INSTANCE,
      warm: e.JANUS_DOCKER_WARM,
      idleTimeoutMs: e.JANUS_DOCKER_IDLE_TIMEOUT_S * 1000,
      readyTimeoutMs: e.JANUS_DOCKER_READY_TIMEOUT_S * 1000,
      memoryBytes: e.JANUS_DOCKER_MEMORY_MB * 1024 * 1024,
      streamsPerContainer: e.JANUS_DOCKER_STREAMS_PER_CONTAINER,
      maxContainers: e.JANUS_DOCKER_MAX_CONTAINERS,
      ...(e.JANUS_DOCKER_NETWORK ? { network: e.JANUS_DOCKER_NETWORK } : {}),
    },
    upstreamIdleTimeoutMs: e.JANUS_UPSTREAM_IDLE_TIMEOUT_S * 1000,
  };
}
