import { readFileSync } from 'node:fs';

let major: number | undefined;

/** The major version of the nx installed where this plugin runs (the one running the graph or the task). */
export function nxMajor(): number {
  major ??= Number((JSON.parse(readFileSync(require.resolve('nx/package.json'), 'utf8')) as { version: string }).version.split('.')[0]);
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
