import type Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors/user-error';

export type ImageInfo = Docker.ImageInspectInfo;

/** What the plugin reads of the engine's /info: Docker's registry mirrors, or Podman's per registry. */
export interface EngineInfo {
  RegistryConfig?: { Mirrors?: string[]; IndexConfigs?: Record<string, { Mirrors?: string[] }> };
}

export interface ImageHistoryEntry {
  CreatedBy?: string;
  Size?: number;
}

/**
 * The Engine API's plain request-and-answer calls, which is all a build needs of it; streams (push, pull,
 * save) and containers go through dockerode. Kept apart because loading dockerode (ssh2, gRPC, protobufjs)
 * costs each process about 0.14 s of CPU, paid on every `nx run` of a build that only pings, inspects and tags.
 */
export interface EngineApi {
  ping(): Promise<void>;
  info(): Promise<EngineInfo>;
  /** undefined when the engine has no image by that name or id. */
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  tagImage(image: string, repo: string, tag: string): Promise<void>;
  removeImage(image: string): Promise<void>;
  imageHistory(ref: string): Promise<ImageHistoryEntry[]>;
}

/** An Engine API answer other than the one asked for, carrying its status as dockerode's errors do. */
export class EngineApiError extends UserError {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(`(HTTP code ${statusCode}) ${message}`);
    this.name = 'EngineApiError';
  }
}

/**
 * Where DOCKER_HOST points, as docker-modem reads it: a local socket is spoken to directly; tcp, TLS, ssh
 * and named pipes are left to dockerode, which handles their certificates, agents and timeouts.
 */
export function localEngineSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.DOCKER_HOST;
  if (!host) {
    const user = join(homedir(), '.docker/run/docker.sock');
    return existsSync(user) ? user : '/var/run/docker.sock';
  }
  if (host.startsWith('unix://')) return host.slice('unix://'.length) || '/var/run/docker.sock';
  return undefined;
}
