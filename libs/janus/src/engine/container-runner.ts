import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { dockerClient } from './docker-client';

/** Every container Janus starts for checks or tests carries this label, so leftovers can always be found. */
export const TEST_LABEL = 'org.janus.test';
/** Set by the integration tests' global setup: one id per test run, so runs sharing an engine never judge or remove each other's containers. */
export const TEST_RUN_LABEL = 'org.janus.test.run';

export function testLabels(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { [TEST_LABEL]: 'true', ...(env.JANUS_TEST_RUN ? { [TEST_RUN_LABEL]: env.JANUS_TEST_RUN } : {}) };
}

/** The label filter that finds this test run's containers (every Janus test container outside a test run). */
export function testContainerFilter(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.JANUS_TEST_RUN ? `${TEST_RUN_LABEL}=${env.JANUS_TEST_RUN}` : TEST_LABEL];
}

export interface StartOptions {
  /** Published on a free loopback port; omit for containers that serve nothing. */
  containerPort?: number;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** Extra hosts, e.g. { 'host.docker.internal': 'host-gateway' } to reach a fake upstream on the host. */
  extraHosts?: string[];
  user?: string;
  cmd?: string[];
  /** Overrides the image's HEALTHCHECK timing (nanoseconds, as the Engine API takes them). */
  healthcheck?: { Test: string[]; Interval: number; Timeout: number; Retries: number; StartPeriod: number };
}

export interface ExecResult {
  exitCode: number;
  output: string;
}

export class StartedContainer {
  constructor(
    private readonly container: Docker.Container,
    readonly hostPort: number,
  ) {}

  get id(): string {
    return this.container.id;
  }

  get url(): string {
    return `http://127.0.0.1:${this.hostPort}`;
  }

  async inspect(): Promise<Docker.ContainerInspectInfo> {
    return this.container.inspect();
  }

  async exec(cmd: string[]): Promise<ExecResult> {
    const exec = await this.container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    this.container.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    const { ExitCode } = await exec.inspect();
    return { exitCode: ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') };
  }

  async logs(tail = 50): Promise<string> {
    const buf = (await this.container.logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
    return demuxBuffer(buf);
  }

  async stop(timeoutS = 10): Promise<void> {
    await this.container.stop({ t: timeoutS }).catch(ignoreNotRunning);
  }

  async remove(): Promise<void> {
    await this.container.remove({ force: true, v: true }).catch(ignoreMissing);
  }
}

/** Starts an image with its port published on a free loopback port chosen by the engine. */
export async function startContainer(image: string, options: StartOptions, docker = dockerClient()): Promise<StartedContainer> {
  const portKey = options.containerPort ? `${options.containerPort}/tcp` : undefined;
  const container = await docker.createContainer({
    Image: image,
    Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: { ...testLabels(), ...options.labels },
    ExposedPorts: portKey ? { [portKey]: {} } : undefined,
    User: options.user,
    Cmd: options.cmd,
    Healthcheck: options.healthcheck,
    HostConfig: {
      PortBindings: portKey ? { [portKey]: [{ HostIp: '127.0.0.1', HostPort: '' }] } : undefined,
      ExtraHosts: options.extraHosts,
    },
  });
  try {
    await container.start();
    if (!portKey) return new StartedContainer(container, 0);
    const info = await container.inspect();
    const binding = info.NetworkSettings.Ports?.[portKey]?.[0];
    if (!binding) throw new Error(`janus: container ${container.id.slice(0, 12)} published no port for ${portKey}`);
    return new StartedContainer(container, Number(binding.HostPort));
  } catch (e) {
    await container.remove({ force: true }).catch(ignoreMissing);
    throw e;
  }
}

/** Removes every container carrying the label (default: the test label); returns how many there were. */
export async function removeLabelledContainers(docker = dockerClient(), label: string = TEST_LABEL): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreMissing)));
  return list.length;
}

// Docker's multiplexed log format: 8-byte header (stream, 0, 0, 0, size32) per frame.
function demuxBuffer(buf: Buffer): string {
  if (!Buffer.isBuffer(buf)) return String(buf);
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length && buf[offset] <= 2 && buf[offset + 1] === 0) {
    const size = buf.readUInt32BE(offset + 4);
    parts.push(buf.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === 0 ? buf.toString('utf8') : Buffer.concat(parts).toString('utf8');
}

function ignoreMissing(e: { statusCode?: number }): void {
  if (e?.statusCode !== 404 && e?.statusCode !== 409) throw e;
}

function ignoreNotRunning(e: { statusCode?: number }): void {
  if (e?.statusCode !== 304 && e?.statusCode !== 404) throw e;
}
