import { spawnSync } from 'node:child_process';
import type { ContainerEngine } from './container-engine';
import { containerEngine } from './docker-client';

/** Whether a container start failed because its host port is taken (the engine's words for it vary by version). */
export function isPortTaken(e: unknown): boolean {
  return /port is already allocated|address already in use/i.test((e as Error)?.message ?? '');
}

/**
 * What holds a loopback TCP port, as far as this machine can tell: a container publishing it (by name), else a
 * listening process (`ss` names it for its owner or root), else undefined.
 */
export async function portHolder(port: number, engine: ContainerEngine = containerEngine()): Promise<string | undefined> {
  const containers = await engine.containers.list({ publishedPort: port, all: false }).catch(() => []);
  if (containers.length) return `container ${containers.map((c) => c.name).join(', ')}`;
  const ss = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8', timeout: 2000 });
  const proc = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss.stdout ?? '');
  return proc ? `process ${proc[1]} (pid ${proc[2]})` : undefined;
}
