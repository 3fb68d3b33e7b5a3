import { z } from 'zod';

// eslint-disable-next-line no-control-regex
const oneLine = (what: string) => z.string().refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: `${what} must be one line without control characters` });

/** GitHub's hosted runners that run each platform natively. */
export const NATIVE_RUNNERS: Record<string, string> = { 'linux/amd64': 'ubuntu-24.04', 'linux/arm64': 'ubuntu-24.04-arm' };

export const schema = z
  .object({
    workflowFile: z
      .string()
      .regex(/^\.github\/workflows\/[\w.-]+\.ya?ml$/, { error: 'must be a file in .github/workflows ending in .yml or .yaml' })
      .default('.github/workflows/containers.yml')
      .meta({ description: 'Where the workflow goes, relative to the workspace root.' }),
    defaultBranch: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, { error: 'must be a branch name (letters, digits, . _ / -)' })
      .refine((b) => !b.startsWith('-') && !b.includes('..'), { error: 'must be a branch name git accepts' })
      .default('main')
      .meta({ description: 'The branch whose pushes publish images (tagged latest and sha-*).' }),
    nodeVersion: z
      .string()
      .regex(/^(\d+(\.\d+){0,2}|lts\/\*)$/, { error: 'must be a Node version like "20" or "lts/*"' })
      .default('20')
      .meta({ description: 'Node version for actions/setup-node.' }),
    runsOn: oneLine('runsOn')
      .pipe(z.string().min(1, { error: 'must not be empty' }))
      .default('ubuntu-latest')
      .meta({ description: 'The runner label.' }),
    setupCommand: oneLine('setupCommand')
      .pipe(z.string().min(1, { error: 'must not be empty; leave it out for none' }))
      .optional()
      .meta({ description: 'A command run after npm ci and before Nx, e.g. "npm run bootstrap" to start an engine and registry.' }),
    remoteCache: z.boolean().default(true).meta({
      description:
        'Share Nx task outputs through a self-hosted remote cache: NX_SELF_HOSTED_REMOTE_CACHE_SERVER from the repository variable of that name, a write token for main and tags, a read-only token for pull requests.',
    }),
    nxTimeoutMinutes: z
      .number()
      .int({ error: 'must be a whole number of minutes' })
      .min(1, { error: 'must be at least 1 minute' })
      .max(360, { error: "must be at most 360 minutes (GitHub's own limit for a job)" })
      .default(90)
      .meta({
        description:
          "The longest the Nx step may run, in minutes (the step's timeout-minutes). Nx 23's self-hosted remote-cache client sets no HTTP timeout, so a cache server that stops answering would otherwise hold the job for GitHub's 6 hours.",
      }),
    splitPlatforms: z.boolean().default(false).meta({
      description:
        "One job per platform on a native runner (docker-build-<arch>, each pushing its image to the registry by digest), then the contract-test and push job, which restores their records from the remote cache and publishes one manifest list without rebuilding. Turns on the plugin's 'splitPlatforms' option in nx.json.",
    }),
    runners: z
      .record(z.string(), oneLine('a runner label').pipe(z.string().min(1, { error: 'must not be empty' })))
      .default(NATIVE_RUNNERS)
      .meta({
        description: 'The runner label per platform for splitPlatforms; default: GitHub-hosted ubuntu-24.04 (linux/amd64) and ubuntu-24.04-arm (linux/arm64).',
      }),
    skipFormat: z.boolean().default(false).meta({ description: 'Skip formatting files.', 'x-priority': 'internal' }),
  })
  .strict()
  .refine((o) => !o.splitPlatforms || o.remoteCache, {
    path: ['splitPlatforms'],
    error: 'needs the remote cache (remoteCache=true): the last job restores the platform records from it instead of rebuilding',
  });

export type CiGeneratorOptions = z.input<typeof schema>;
export type NormalizedCiOptions = z.output<typeof schema>;

export const schemaMeta = {
  $id: 'JanusCi',
  title: 'Janus ci',
  description:
    'A GitHub Actions workflow for the container targets: pull requests build and contract-test (reading the shared cache only); pushes to the default branch also push latest and sha-*; v* tags publish semver tags.',
};
