import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_CHOICES, ENGINE_ENV, type EngineKind, type EngineSelection } from '../workspace/machine-settings';
import { localEngineSocket } from './engine-api';

export { ENGINE_ENV, type EngineKind };

/** Where Podman's Docker-compatible socket is, when not where `podman system service` puts it by default. */
export const PODMAN_SOCKET_ENV = 'JANUS_PODMAN_SOCKET';

/** One engine to talk to: which kind, at which socket (the one constructor argument an engine client needs). */
export interface EngineTarget {
  kind: EngineKind;
  /** A local unix socket; undefined for a DOCKER_HOST dockerode reaches itself (tcp, TLS, ssh). */
  socketPath?: string;
  /** What chose it, for messages. */
  chosenBy: string;
}

/** Podman's API socket: JANUS_PODMAN_SOCKET, else rootful `/run/podman/podman.sock`, else the user's rootless one. */
export function podmanSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env[PODMAN_SOCKET_ENV];
  if (given) return given.replace(/^unix:\/\//, '');
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return '/run/podman/podman.sock';
  return join(env.XDG_RUNTIME_DIR || `/run/user/${uid}`, 'podman/podman.sock');
}

function target(kind: EngineKind, chosenBy: string, env: NodeJS.ProcessEnv): EngineTarget {
  return { kind, socketPath: kind === 'podman' ? podmanSocketPath(env) : localEngineSocket(env), chosenBy };
}

/**
 * Which engine a run talks to: the target's option, else JANUS_ENGINE, else the workspace's plugin option, else
 * what runs here. Auto-detection looks at sockets only (no process start, no round trip): DOCKER_HOST when set
 * (Podman's kind when it names a podman socket, as rootless Podman's docs suggest), else Docker's default socket
 * when it is there, else Podman's when that is, else Docker's, whose absence is then reported with how to start
 * either. A JANUS_ENGINE that names no engine throws one line.
 */
export function chooseEngine(
  choice: { option?: EngineSelection; pluginOption?: EngineSelection } = {},
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): EngineTarget {
  if (choice.option && choice.option !== 'auto') return target(choice.option, "the target's 'engine' option", env);
  const fromEnv = env[ENGINE_ENV];
  if (fromEnv) {
    if (!(ENGINE_CHOICES as readonly string[]).includes(fromEnv)) {
      throw new Error(`${ENGINE_ENV} = ${JSON.stringify(fromEnv)}: must be one of ${ENGINE_CHOICES.join(', ')}`);
    }
    if (fromEnv !== 'auto') return target(fromEnv as EngineKind, ENGINE_ENV, env);
  }
  if (choice.pluginOption && choice.pluginOption !== 'auto') return target(choice.pluginOption, "the janus plugin option 'engine'", env);
  const docker = localEngineSocket(env);
  if (env.DOCKER_HOST) {
    if (docker && /podman/.test(docker)) return { kind: 'podman', socketPath: docker, chosenBy: 'auto-detected from DOCKER_HOST' };
    return target('docker', 'auto-detected from DOCKER_HOST', env);
  }
  if (docker && exists(docker)) return target('docker', 'auto-detected', env);
  if (exists(podmanSocketPath(env))) return target('podman', 'auto-detected', env);
  return target('docker', 'auto-detected', env);
}

/** The one line that says how to get Podman's socket answering (bootstrap, or by hand as root or rootless). */
export function podmanStartHint(socketPath: string): string {
  return (
    `start its socket with 'podman system service --time=0 unix://${socketPath} &'` +
    ` (rootless: 'systemctl --user start podman.socket'; this repository: 'JANUS_ENGINE=podman npm run bootstrap'), or set ${PODMAN_SOCKET_ENV}`
  );
}
