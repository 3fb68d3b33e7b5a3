import type Satisfies from 'semver/functions/satisfies';
import { installedNxVersion } from '../workspace/nx-version';
import { PLUGIN_MANIFEST } from './plugin-version';

/** The Nx versions janus is tested with: its package.json's nx peer range, the one place it is written. */
export const SUPPORTED_NX = PLUGIN_MANIFEST.peerDependencies.nx;

/**
 * One line saying why this Nx cannot run janus, or undefined when it can. npm only warns about an unmet peer
 * (and `--legacy-peer-deps` or `--force` silence even that), so janus says it itself, before an API that moved
 * between Nx majors fails with a stack trace.
 */
export function unsupportedNx(version = installedNxVersion()): string | undefined {
  if (version === null) return `janus needs nx ${SUPPORTED_NX} in the workspace, and nx is not installed`;
  // Loaded here, not at the top: a warm graph computation never asks (see create-nodes.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const satisfies = require('semver/functions/satisfies') as typeof Satisfies;
  if (!satisfies(version, SUPPORTED_NX, { includePrerelease: true }))
    return `janus ${PLUGIN_MANIFEST.version} supports nx ${SUPPORTED_NX}; this workspace has nx ${version}: move nx into that range or install a janus release that supports it`;
  return undefined;
}

let checked = false;

/** Throws `unsupportedNx`'s line, as an error without a stack worth reading; checks once per process. */
export function assertSupportedNx(): void {
  if (checked) return;
  const problem = unsupportedNx();
  if (problem) {
    const error = new Error(problem);
    error.stack = problem;
    throw error;
  }
  checked = true;
}
