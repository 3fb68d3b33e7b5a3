/** The version of the nx package this plugin resolves (the workspace's), or null when there is none. */
export function installedNxVersion(): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the workspace's nx, read at run time
    return (require('nx/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}

let major: number | undefined;

/** The major version of the nx installed where this plugin runs (the one running the graph or the task). */
export function nxMajor(): number {
  major ??= Number((installedNxVersion() ?? '0').split('.')[0]);
  return major;
}

/**
 * Whether Nx reports a continuous task that exits non-zero as failed. Nx 23 (checked on 23.2.1) reports it as
 * "Successfully ran" with exit code 0 when nothing else depends on the task; Nx 24 reports the failure. So a
 * target that must fail when it cannot start (docker-run) is continuous only where Nx would say so.
 */
export function nxReportsContinuousFailures(version = nxMajor()): boolean {
  return version >= 24;
}
