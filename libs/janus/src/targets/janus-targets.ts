import type { TargetConfiguration } from '@nx/devkit';

/**
 * Every fact that changes an image's tags or labels, other than the files: Nx must see each of them, or a cache
 * hit replays tags and labels computed for another commit, branch or pull request. The runtime input asks git
 * once per task hash for what the environment may not say (the commit, its branch, tags and time, the remote).
 */
export const DOCKER_BUILD_FACT_INPUTS = [
  ...['JANUS_GIT_SHA', 'JANUS_GIT_BRANCH', 'JANUS_GIT_TAG', 'JANUS_PR_NUMBER', 'JANUS_DEFAULT_BRANCH', 'GITHUB_SHA', 'GITHUB_REF', 'SOURCE_DATE_EPOCH'].map(
    (env) => ({
      env,
    }),
  ),
  {
    runtime:
      'git rev-parse HEAD 2>/dev/null; git symbolic-ref -q --short HEAD; git tag --points-at HEAD 2>/dev/null; git show -s --format=%cI HEAD 2>/dev/null; git config --get remote.origin.url; true',
  },
];

/** The janus targets of a container project, as the generator writes them. */
export function janusTargets(options: { port: number }): Record<string, TargetConfiguration> {
  return {
    'dockerfile-lint': {
      executor: 'janus:dockerfile-lint',
      cache: true,
      inputs: ['{projectRoot}/Dockerfile', '{projectRoot}/.dockerignore', '{projectRoot}/.hadolint.yaml'],
      options: { port: options.port },
    },
    // No dependsOn dockerfile-lint: the build runs the same rules itself before building, which spares a second
    // Nx task (and its process start) in front of every build; the lint target stays for CI and editors.
    'docker-build': {
      executor: 'janus:docker-build',
      cache: true,
      inputs: ['default', ...DOCKER_BUILD_FACT_INPUTS],
      outputs: ['{options.outputPath}', '{workspaceRoot}/dist/docker/{projectName}'],
      options: { platforms: 'linux/amd64,linux/arm64' },
    },
    'contract-test': {
      executor: 'janus:contract-test',
      dependsOn: ['docker-build'],
      outputs: ['{options.reportDir}', '{workspaceRoot}/dist/contract/{projectName}'],
      options: { port: options.port },
    },
    // Publishes what docker-build built and contract-test checked, so nothing ships untested.
    'docker-push': {
      executor: 'janus:docker-push',
      dependsOn: ['contract-test'],
    },
  };
}
