import type { NormalizedCiOptions } from './options-schema';

/** The secrets and variables the workflow reads; README and the generator's message name them. */
export const CI_NAMES = {
  cacheServer: 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER',
  cacheWriteToken: 'NX_CACHE_READ_WRITE_TOKEN',
  cacheReadToken: 'NX_CACHE_READ_ONLY_TOKEN',
  registryUser: 'JANUS_REGISTRY_USER',
  registryPassword: 'JANUS_REGISTRY_PASSWORD',
} as const;

type Step = Record<string, unknown>;

interface JobPlan {
  name: string;
  condition: string;
  /** The Nx command after sync:check. */
  command: string;
  trusted: boolean;
}

/**
 * The workflow as data (rendered to YAML by the generator), following the triggers of the container targets:
 * - pull request: build and contract-test what the change affects; the cache token is read-only and no
 *   registry credential or write permission is given, so an untrusted change can neither push an image nor
 *   poison the cache that trusted builds restore;
 * - push to the default branch: build, contract-test and push what changed, tagged `latest`, the branch and
 *   `sha-*` (docker-build's tag rules read GITHUB_REF and GITHUB_SHA, and JANUS_DEFAULT_BRANCH);
 * - tag `v*`: every project, so the release tags (`1.2.3`, `1.2`, `1`, `latest`) exist for all of them even
 *   when the tagged commit changed nothing.
 * Every job runs `nx sync:check` first: with CI set, Nx skips sync checks on its own.
 */
export function ciWorkflow(o: NormalizedCiOptions, platforms: readonly string[] = []): Record<string, unknown> {
  const branchRef = `refs/heads/${o.defaultBranch}`;
  const jobs: JobPlan[] = [
    {
      name: 'pull-request',
      condition: "github.event_name == 'pull_request'",
      command: 'npx nx affected -t docker-build contract-test -c ci',
      trusted: false,
    },
    {
      name: 'default-branch',
      condition: `github.event_name == 'push' && github.ref == '${branchRef}'`,
      command: 'npx nx affected -t docker-build contract-test docker-push -c ci',
      trusted: true,
    },
    {
      name: 'release',
      condition: "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')",
      command: 'npx nx run-many -t docker-build contract-test docker-push -c ci',
      trusted: true,
    },
  ];

  const job = (plan: JobPlan, runsOn = o.runsOn, needs?: string[]) => {
    const env: Record<string, string> = {};
    if (o.remoteCache) {
      env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN = `\${{ secrets.${plan.trusted ? CI_NAMES.cacheWriteToken : CI_NAMES.cacheReadToken} }}`;
    }
    if (plan.trusted) {
      env.JANUS_REGISTRY_USER = `\${{ secrets.${CI_NAMES.registryUser} }}`;
      env.JANUS_REGISTRY_PASSWORD = `\${{ secrets.${CI_NAMES.registryPassword} }}`;
    }
    const steps: Step[] = [
      { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
      { uses: 'actions/setup-node@v4', with: { 'node-version': o.nodeVersion, cache: 'npm' } },
      { run: 'npm ci' },
      ...(o.setupCommand ? [{ name: 'Set up the engine', run: o.setupCommand }] : []),
      // NX_BASE/NX_HEAD: the last successful run on the default branch, for `nx affected`.
      { uses: 'nrwl/nx-set-shas@v4', with: { 'main-branch-name': o.defaultBranch } },
      { name: 'Sync check', run: 'npx nx sync:check' },
      // Nx waits on the remote cache without a deadline of its own (its HTTP client has no timeout): the step's
      // timeout is what ends a run stuck on a cache server that stopped answering.
      {
        name: plan.trusted ? 'Build, contract-test and push' : 'Build and contract-test',
        run: plan.command,
        'timeout-minutes': o.nxTimeoutMinutes,
      },
    ];
    return {
      name: plan.name,
      if: plan.condition,
      ...(needs ? { needs } : {}),
      'runs-on': runsOn,
      permissions: plan.trusted ? { contents: 'read', actions: 'read', packages: 'write' } : { contents: 'read', actions: 'read' },
      ...(Object.keys(env).length ? { env } : {}),
      steps,
    };
  };

  // One runner per platform: each builds its platform natively and stages it by digest; the plan's own job then
  // runs as before, its docker-build merging the platform records the remote cache restores (no rebuild).
  const splitJobs = (plan: JobPlan): Array<[string, unknown]> => {
    const perPlatform = platforms.map((platform): [string, unknown] => {
      const suffix = platform.split('/').slice(1).join('-');
      const command = plan.command.replace(/ -t .* -c ci$/, ` -t docker-build-${suffix} -c ci`);
      return [`${plan.name}-${suffix}`, job({ ...plan, name: `${plan.name}-${suffix}`, command }, o.runners[platform])];
    });
    return [
      ...perPlatform,
      [
        plan.name,
        job(
          plan,
          o.runsOn,
          perPlatform.map(([n]) => n),
        ),
      ],
    ];
  };
  return {
    name: 'containers',
    on: {
      push: { branches: [o.defaultBranch], tags: ['v*'] },
      pull_request: { branches: [o.defaultBranch] },
    },
    permissions: { contents: 'read' },
    concurrency: { group: 'containers-${{ github.ref }}', 'cancel-in-progress': "${{ github.event_name == 'pull_request' }}" },
    env: {
      CI: 'true',
      NX_NO_CLOUD: 'true',
      JANUS_DEFAULT_BRANCH: o.defaultBranch,
      ...(o.remoteCache ? { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: `\${{ vars.${CI_NAMES.cacheServer} }}` } : {}),
    },
    jobs: Object.fromEntries(jobs.flatMap((plan) => (o.splitPlatforms ? splitJobs(plan) : [[plan.name, job(plan)]]))),
  };
}
