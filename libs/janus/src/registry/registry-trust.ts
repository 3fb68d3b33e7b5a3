import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';

/**
 * Where container engines read a registry's own CA certificates, `<dir>/<host[:port]>/*.crt`: dockerd (root and
 * rootless), Docker Desktop, Podman (root and rootless). A self-hosted Harbor or Artifactory with a private CA is
 * already set up there for the engine, so janus reads the same files and needs no setting of its own.
 */
export function certsDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = homedir();
  const config = env.XDG_CONFIG_HOME ?? join(home, '.config');
  return ['/etc/docker/certs.d', join(config, 'docker/certs.d'), join(home, '.docker/certs.d'), '/etc/containers/certs.d', join(config, 'containers/certs.d')];
}

/** The CA files the engines would trust for one registry host, beyond the system's. */
export interface RegistryTrust {
  host: string;
  /** `*.crt` files under `<certs dir>/<host>/`, in the order of certsDirs(). */
  caFiles: string[];
  /** The directory a user should put the CA in (the engine's first one). */
  suggestedCaFile: string;
}

export function registryTrust(host: string, env: NodeJS.ProcessEnv = process.env): RegistryTrust {
  const dirs = certsDirs(env).map((d) => join(d, host));
  const caFiles = dirs.flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.crt'))
          .sort()
          .map((f) => join(dir, f))
      : [],
  );
  return { host, caFiles, suggestedCaFile: join(dirs[0], 'ca.crt') };
}

/**
 * The CAs Node trusts by default, which an explicit `ca` option would otherwise replace: its bundled roots and
 * NODE_EXTRA_CA_CERTS (Node 22.15+ says which through getCACertificates; older ones are asked here).
 */
function defaultCas(env: NodeJS.ProcessEnv): string[] {
  // Not in Node 20's types: present from Node 22.15.
  const getCACertificates = (tls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates;
  if (typeof getCACertificates === 'function') return getCACertificates('default');
  const extra = env.NODE_EXTRA_CA_CERTS;
  return [...tls.rootCertificates, ...(extra && existsSync(extra) ? [readFileSync(extra, 'utf8')] : [])];
}

/** Every CA a request to this registry trusts: Node's defaults plus the engine's files for the host. */
export function trustedCas(trust: RegistryTrust, env: NodeJS.ProcessEnv = process.env): string[] {
  return [...defaultCas(env), ...trust.caFiles.map((f) => readFileSync(f, 'utf8'))];
}
