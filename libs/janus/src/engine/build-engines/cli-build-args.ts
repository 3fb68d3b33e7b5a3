import type { PlatformBuildRequest } from './build-engine';

/** The build flags docker build, docker buildx build and podman build share. */
export function commonBuildArgs(req: PlatformBuildRequest, iidFile?: string): string[] {
  const args = ['--progress=plain', '--platform', req.platform, '--file', req.file, ...(iidFile ? ['--iidfile', iidFile] : [])];
  if (req.target) args.push('--target', req.target);
  if (req.network && req.network !== 'default') args.push('--network', req.network);
  if (req.noCache) args.push('--no-cache');
  if (req.pull) args.push('--pull');
  for (const [k, v] of Object.entries(req.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(req.labels)) args.push('--label', `${k}=${v}`);
  for (const s of req.secrets) args.push('--secret', s);
  args.push(req.context);
  return args;
}
