import semver from 'semver';
import { runCommand } from '../../process/run-command';
import { UserError } from '../../errors/user-error';

/** One version of a package as the registry's abbreviated metadata gives it. */
export interface PackageVersion {
  version: string;
  engines?: { node?: string };
  bin?: Record<string, string> | string;
  optionalDependencies?: Record<string, string>;
}

export interface Packument {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, PackageVersion>;
}

/** The npm registry this machine installs from: npm's own setting, as `npm install` would use it. */
export async function npmRegistry(env = process.env): Promise<string> {
  const configured: string =
    env.npm_config_registry || env.NPM_CONFIG_REGISTRY || (await runCommand('npm', ['config', 'get', 'registry']).then((r) => r.stdout.trim()));
  return configured.endsWith('/') ? configured : `${configured}/`;
}

export async function fetchPackument(name: string, registry: string, timeoutMs = 30_000): Promise<Packument | undefined> {
  const url = `${registry}${name.replace('/', '%2f')}`;
  let res: Response;
  try {
    // The abbreviated document carries versions, engines, bins and dependencies: a fraction of the full one.
    res = await fetch(url, { headers: { accept: 'application/vnd.npm.install-v1+json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new UserError(`the npm registry ${registry} did not answer for ${name}: ${(e as Error).message}`);
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new UserError(`the npm registry ${registry} answered ${res.status} for ${name}`);
  return (await res.json()) as Packument;
}

/**
 * The Node a base image ships, as a range: `node:20-slim` → `20.x` (an image tag names a release line, and its
 * image follows the newest release of it), `node:20.11.1-slim` → `20.11.1`. Undefined for other images.
 */
export function nodeRangeOfBaseImage(baseImage: string): string | undefined {
  const m = /(?:^|\/)node:(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[\w.-]+)?(?:@.*)?$/.exec(baseImage);
  if (!m) return undefined;
  return [m[1], m[2] ?? 'x', m[3] ?? 'x'].join('.');
}

/** Whether a version's `engines.node` admits the base image's Node (no engines field admits every Node). */
export function acceptsNode(v: PackageVersion, nodeRange: string): boolean {
  const wanted = v.engines?.node;
  return !wanted || semver.intersects(wanted, nodeRange, { includePrerelease: false });
}

/** The newest stable version whose engines accept `nodeRange`, and whether that is older than `latest` because of it. */
export function newestCompatible(p: Packument, nodeRange: string | undefined): { version: string; heldBack?: string } | undefined {
  const stable = Object.keys(p.versions)
    .filter((v) => semver.valid(v) && !semver.prerelease(v))
    .sort(semver.rcompare);
  const pick = stable.find((v) => !nodeRange || acceptsNode(p.versions[v], nodeRange));
  if (!pick) return undefined;
  const latest = p['dist-tags'].latest;
  return { version: pick, heldBack: latest && latest !== pick && semver.gt(latest, pick) ? latest : undefined };
}

/** The per-platform packages a CLI version declares for linux/amd64 and linux/arm64 (glibc, not musl), as install specs. */
export function nativePackages(v: PackageVersion): { amd64?: string; arm64?: string } {
  const out: { amd64?: string; arm64?: string } = {};
  for (const [name, spec] of Object.entries(v.optionalDependencies ?? {})) {
    const arch = /-linux-(x64|arm64)$/.exec(name)?.[1];
    if (arch) out[arch === 'x64' ? 'amd64' : 'arm64'] = `${name}@${spec}`;
  }
  return out;
}

export function binsOf(name: string, v: PackageVersion): string[] {
  if (typeof v.bin === 'string') return [name.split('/').pop()!];
  return Object.keys(v.bin ?? {});
}
