import type Docker from 'dockerode';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { SUPPORTED_PLATFORMS } from '../oci/platform';
import type { ContainerEngine } from './container-engine';
import { containerEngine, dockerClient, engineApi } from './docker-client';
import { DockerEngine } from './docker-engine';
import type { EngineApi } from './engine-api';

/**
 * Builders per platform: which engine builds, pins and stages each platform's image. A platform without one is
 * built by the local engine (DOCKER_HOST, else the default socket), under emulation where it is not native.
 * Where each platform was built is recorded, never hashed: the same inputs give the same image on any builder
 * of that platform (with `reproducible`, byte for byte), so a builder decides how fast, not what.
 */
export const BUILDERS_ENV = 'JANUS_BUILDERS';
export const BUILDERS_OPTION = 'builders';

const CERT_FILES = ['ca.pem', 'cert.pem', 'key.pem'] as const;

/** One platform's builder as configured: where its engine is and how to reach it. */
export interface BuilderEndpoint {
  platform: string;
  /** The endpoint as written, without its options (a certificate path is this machine's, not the build's). */
  endpoint: string;
  scheme: 'unix' | 'tcp' | 'ssh';
  /** The engine may run another architecture and build this platform under emulation (`?emulated=true`). */
  emulated: boolean;
  /** For tcp://: the directory holding ca.pem, cert.pem and key.pem. */
  certPath?: string;
}

/** The engine one or more platforms are built on, as the build talks to it. */
export interface BuilderEngine {
  /** `unix:///var/run/docker.sock`-style address; for the local fallback, where DOCKER_HOST points. */
  endpoint: string;
  local: boolean;
  emulated: boolean;
  /** The engine behind the one door, as every image-store call takes it. */
  door: ContainerEngine;
  /** Plain Engine API calls (inspect, tag, remove, info). */
  api: EngineApi;
  /** dockerode for the streams: push, save, load. */
  docker(): Docker;
  /** What the docker CLI needs in its environment to build on this engine. */
  cliEnv: Record<string, string>;
}

/** `{ 'linux/arm64': 'ssh://ci@arm-host' }` or `linux/arm64=ssh://ci@arm-host,linux/amd64=unix:///var/run/docker.sock`. */
export type BuildersSetting = string | Record<string, string>;

function entriesOf(setting: BuildersSetting): Array<[string, string]> {
  if (typeof setting !== 'string') return Object.entries(setting);
  return setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? [pair, ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    });
}

/** The certificate directory of a tcp:// builder: its `certs` option, else DOCKER_CERT_PATH, else ~/.docker (the docker CLI's places). */
function certDir(given: string | undefined, env: NodeJS.ProcessEnv): string {
  if (given) return isAbsolute(given) ? given : join(process.cwd(), given);
  return env.DOCKER_CERT_PATH || join(homedir(), '.docker');
}

/**
 * Parses the builders setting; every bad entry is one problem naming where it came from, the entry and what is
 * allowed. Nothing is contacted here (see connectBuilders).
 */
export function parseBuilders(
  setting: BuildersSetting | undefined,
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): { builders: Map<string, BuilderEndpoint>; problems: string[] } {
  const builders = new Map<string, BuilderEndpoint>();
  const problems: string[] = [];
  if (setting === undefined) return { builders, problems };
  for (const [platform, raw] of entriesOf(setting)) {
    const named = `${where}: ${JSON.stringify(`${platform}=${raw}`)}`;
    if (!(SUPPORTED_PLATFORMS as readonly string[]).includes(platform)) {
      problems.push(`${named}: the platform must be one of ${SUPPORTED_PLATFORMS.join(', ')} (entries are <platform>=<endpoint>, comma-separated)`);
      continue;
    }
    if (builders.has(platform)) {
      problems.push(`${named}: ${platform} is given a builder twice`);
      continue;
    }
    const [endpoint, query = ''] = raw.split('?', 2);
    const params = new URLSearchParams(query);
    const unknown = [...params.keys()].filter((k) => k !== 'certs' && k !== 'emulated');
    if (unknown.length) {
      problems.push(`${named}: unknown option ${unknown.map((k) => JSON.stringify(k)).join(', ')}; allowed: certs=<dir> (tcp://), emulated=true`);
      continue;
    }
    const scheme = /^(unix|tcp|ssh):\/\/./.exec(endpoint)?.[1] as BuilderEndpoint['scheme'] | undefined;
    if (!scheme) {
      problems.push(`${named}: the endpoint must be unix:///path/to/docker.sock, tcp://host:port (TLS) or ssh://user@host`);
      continue;
    }
    const emulated = params.get('emulated');
    if (emulated !== null && emulated !== 'true' && emulated !== 'false') {
      problems.push(`${named}: emulated must be true or false`);
      continue;
    }
    const builder: BuilderEndpoint = { platform, endpoint, scheme, emulated: emulated === 'true' };
    if (scheme === 'tcp') {
      if (!/^tcp:\/\/[^/:]+:\d+\/?$/.test(endpoint)) {
        problems.push(`${named}: a tcp:// endpoint is host:port, e.g. tcp://arm-host:2376`);
        continue;
      }
      // The Engine API over TCP without TLS is root on the builder for anyone on the network: TLS is required.
      const dir = certDir(params.get('certs') ?? undefined, env);
      const missing = CERT_FILES.filter((f) => !existsSync(join(dir, f)));
      if (missing.length) {
        problems.push(
          `${named}: TLS client certificates are needed for tcp:// and ${dir} lacks ${missing.join(', ')}; give the directory with ?certs=<dir> (or DOCKER_CERT_PATH)`,
        );
        continue;
      }
      builder.certPath = dir;
    } else if (params.has('certs')) {
      problems.push(`${named}: certs is for tcp:// endpoints only`);
      continue;
    }
    builders.set(platform, builder);
  }
  return { builders, problems };
}

/** The builders of this machine: JANUS_BUILDERS when set (CI), else the workspace's plugin option. */
export function configuredBuilders(option: BuildersSetting | undefined, env: NodeJS.ProcessEnv = process.env) {
  const fromEnv = env[BUILDERS_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseBuilders(fromEnv, BUILDERS_ENV, env);
  return parseBuilders(option, `nx.json janus plugin option '${BUILDERS_OPTION}'`, env);
}

function localAddress(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/** Whether a builder is the local engine itself (its images land where contract-test and docker-run look). */
export function isLocalEndpoint(b: Pick<BuilderEndpoint, 'endpoint'>): boolean {
  return b.endpoint === localAddress();
}

/** The local engine, as every build without builders uses it. */
export function localBuilder(): BuilderEngine {
  return { endpoint: localAddress(), local: true, emulated: true, door: containerEngine(), api: engineApi(), docker: dockerClient, cliEnv: {} };
}

/** A client for a configured builder; nothing is contacted until it is asked something. */
export function builderEngine(b: BuilderEndpoint): BuilderEngine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- dockerode is loaded only for engines a bare socket does not reach
  const load = () => require('dockerode') as typeof Docker;
  const facade = (engine: DockerEngine, cliEnv: Record<string, string>): BuilderEngine => ({
    ...base,
    door: engine,
    api: engine.api(),
    docker: () => engine.docker(),
    cliEnv,
  });
  const base = { endpoint: b.endpoint, local: isLocalEndpoint(b), emulated: b.emulated };
  if (b.scheme === 'unix') {
    return facade(new DockerEngine(b.endpoint.slice('unix://'.length)), { DOCKER_HOST: b.endpoint });
  }
  const make = (): Docker => {
    const url = new URL(b.endpoint.replace(/^tcp:/, 'https:'));
    if (b.scheme === 'tcp') {
      const read = (f: string) => readFileSync(join(b.certPath!, f));
      return new (load())({ protocol: 'https', host: url.hostname, port: Number(url.port), ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') });
    }
    // ssh: the engine's socket on the other side, through the user's ssh agent, as `docker -H ssh://…` does.
    return new (load())({
      protocol: 'ssh',
      host: url.hostname,
      port: url.port ? Number(url.port) : 22,
      username: decodeURIComponent(url.username) || undefined,
      sshOptions: { agent: process.env.SSH_AUTH_SOCK },
    } as Docker.DockerOptions);
  };
  const cliEnv: Record<string, string> =
    b.scheme === 'tcp' ? { DOCKER_HOST: b.endpoint, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: b.certPath! } : { DOCKER_HOST: b.endpoint };
  return facade(new DockerEngine(undefined, make, b.endpoint), cliEnv);
}

const UNAME_ARCH: Record<string, string> = {
  x86_64: 'amd64',
  amd64: 'amd64',
  aarch64: 'arm64',
  arm64: 'arm64',
  armv7l: 'arm/v7',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** The platform an engine runs natively, from its /info (`OSType` linux, `Architecture` x86_64). */
export function nativePlatformOf(info: { OSType?: string; Architecture?: string }): string {
  return `${info.OSType ?? 'unknown'}/${UNAME_ARCH[info.Architecture ?? ''] ?? info.Architecture ?? 'unknown'}`;
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|EPROTO$)/;

function whyUnreachable(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const text = err.message ?? String(e);
  if (TLS_CODES.test(err.code ?? '') || /certificate|ssl|tls|handshake|alert/i.test(text)) {
    return `refused TLS (${text}); check the client certificates and the CA that signed the engine's certificate`;
  }
  return `is not reachable (${text})`;
}

/** A builder's native platform and name, as checked before any build starts. */
export interface CheckedBuilder {
  engine: BuilderEngine;
  /** The platform the engine runs natively, e.g. linux/arm64. */
  native: string;
  /** The engine's host name (its /info Name): where the build ran. */
  name?: string;
}

/**
 * Every platform's engine, asked before any build starts whether it answers and what it is. Each problem is one
 * line naming the platform and the endpoint: unreachable, refusing TLS, another OS, or another architecture
 * than the platform assigned to it (unless the entry says `emulated=true`). Platforms without a builder use
 * the local engine as they always have (emulating what is not native).
 */
export async function connectBuilders(
  platforms: readonly string[],
  builders: ReadonlyMap<string, BuilderEndpoint>,
  make: (b: BuilderEndpoint) => BuilderEngine = builderEngine,
  local: () => BuilderEngine = localBuilder,
  timeoutMs = 15_000,
): Promise<Map<string, CheckedBuilder>> {
  const engines = new Map<string, BuilderEngine>();
  const assigned = new Map<string, BuilderEngine>();
  for (const platform of platforms) {
    const b = builders.get(platform);
    const key = b ? `${b.endpoint}\0${b.certPath ?? ''}` : '\0local';
    let engine = engines.get(key);
    if (!engine) {
      engine = b ? make(b) : local();
      engines.set(key, engine);
    }
    // One engine may serve several platforms, each with its own emulation allowance.
    assigned.set(platform, b ? { ...engine, emulated: b.emulated } : engine);
  }
  const answers = new Map<BuilderEngine['api'], Promise<{ OSType?: string; Architecture?: string; Name?: string }>>();
  const ask = (engine: BuilderEngine) => {
    let answer = answers.get(engine.api);
    if (!answer) {
      let timer: NodeJS.Timeout | undefined;
      answer = Promise.race([
        engine.api.ping().then(() => engine.api.info() as Promise<{ OSType?: string; Architecture?: string; Name?: string }>),
        new Promise<never>((_r, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      answers.set(engine.api, answer);
    }
    return answer;
  };
  const problems: string[] = [];
  const checked = new Map<string, CheckedBuilder>();
  await Promise.all(
    [...assigned].map(async ([platform, engine]) => {
      const from = engine.local && !builders.has(platform) ? ' (the local engine: no builder is set for it)' : '';
      try {
        const info = await ask(engine);
        const native = nativePlatformOf(info);
        checked.set(platform, { engine, native, name: info.Name });
        if (!builders.has(platform)) return;
        const [os, arch] = [native.split('/')[0], native.split('/').slice(1).join('/')];
        const wanted = platform.split('/');
        if (os !== wanted[0])
          problems.push(`builder for ${platform} (${engine.endpoint}) runs ${native} engines and lacks ${platform}; assign it a ${os} platform`);
        else if (arch !== wanted.slice(1).join('/') && !engine.emulated)
          problems.push(
            `builder for ${platform} (${engine.endpoint}) is a ${native} engine, not ${platform}; assign it ${native}, or add ?emulated=true to build ${platform} there under emulation`,
          );
      } catch (e) {
        problems.push(`builder for ${platform} (${engine.endpoint})${from} ${whyUnreachable(e)}`);
      }
    }),
  );
  if (problems.length) throw new Error(`janus:docker-build: ${problems.sort().join('\n')}\nno platform was built`);
  return new Map(platforms.map((p) => [p, checked.get(p)!]));
}
