import type { TargetConfiguration } from '@nx/devkit';
import { GIT_DIRTY_ARGS } from '../git/git-facts';
import { IMAGE_DIGESTS_FILE } from '../image/record-files';
import { SOURCE_URL_SHELL } from '../git/source-url';

/** Shell words, each single-quoted. */
const shellQuote = (words: string[]) => words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
import { nxReportsContinuousFailures } from '../workspace/nx-version';
import { SYNC_GENERATOR } from '../workspace/plugin-names';
import { DEFAULT_PLATFORMS } from '../oci/platform';

/**
 * Every fact that changes an image's tags or labels, other than the files: Nx must see each of them, or a cache
 * hit replays tags and labels computed for another commit, branch or pull request. The runtime input asks git
 * once per task hash for what the environment may not say (the commit, its branch, tags and time, the remote,
 * whether the tree is dirty). Inference knows the paths a build is made of (`dirtyPaths`: its context and
 * Dockerfile) and hashes whether those are dirty, exactly what the build decides its tags on; a target without
 * them hashes the list of every dirty file, which changes whenever that answer could.
 */
export function dockerBuildFactInputs(dirtyPaths?: string[]) {
  const dirty = dirtyPaths
    ? `test -z "$(git ${GIT_DIRTY_ARGS.join(' ')} -- ${shellQuote(dirtyPaths)} 2>/dev/null)" || echo dirty`
    : `git ${GIT_DIRTY_ARGS.join(' ')} 2>/dev/null`;
  return [
    ...['JANUS_GIT_SHA', 'JANUS_GIT_BRANCH', 'JANUS_GIT_TAG', 'JANUS_PR_NUMBER', 'JANUS_DEFAULT_BRANCH', 'GITHUB_SHA', 'GITHUB_REF', 'SOURCE_DATE_EPOCH'].map(
      (env) => ({
        env,
      }),
    ),
    {
      runtime: [
        'git rev-parse HEAD 2>/dev/null',
        'git symbolic-ref -q --short HEAD',
        'git tag --points-at HEAD 2>/dev/null',
        'git show -s --format=%cI HEAD 2>/dev/null',
        // The source label's one form, not the remote as cloned: an ssh and an https clone build the same image.
        `git config --get remote.origin.url | ${SOURCE_URL_SHELL}`,
        // A dirty build is tagged sha-<7>-dirty and labelled so: a fact of the tags, so a fact of the hash.
        dirty,
        'true',
      ].join('; '),
    },
  ];
}

export const DOCKER_BUILD_FACT_INPUTS = dockerBuildFactInputs();

const technologies = ['docker'];
// Lint and build read the Dockerfile the templates manage: with sync.applyChanges (or on a TTY) Nx brings it
// up to the templates first.
const syncGenerators = [SYNC_GENERATOR];

/**
 * The janus targets of a container project, as inference gives them (and as older generators wrote them).
 * `continuousRun` (default: the running Nx's): docker-run is a continuous task only where Nx reports a continuous
 * task's failure (see nxReportsContinuousFailures); elsewhere it is a plain task, so a run that could not start fails the command.
 */
export function janusTargets(options: { port: number; continuousRun?: boolean }): Record<string, TargetConfiguration> {
  const continuousRun = options.continuousRun ?? nxReportsContinuousFailures();
  return {
    'dockerfile-lint': {
      executor: 'janus:dockerfile-lint',
      cache: true,
      syncGenerators,
      inputs: ['{projectRoot}/Dockerfile', '{projectRoot}/.dockerignore', '{projectRoot}/.hadolint.yaml', '{workspaceRoot}/.hadolint.yaml'],
      options: { port: options.port },
      metadata: { technologies, description: 'Check the Dockerfile and .dockerignore against the container conventions (hadolint ids reported too).' },
    },
    // No dependsOn dockerfile-lint: the build runs the same rules itself before building, which spares a second
    // Nx task (and its process start) in front of every build; the lint target stays for CI and editors.
    'docker-build': {
      executor: 'janus:docker-build',
      // An image built FROM another workspace image builds after it.
      dependsOn: ['^docker-build'],
      cache: true,
      syncGenerators,
      inputs: ['default', ...DOCKER_BUILD_FACT_INPUTS],
      outputs: ['{options.outputPath}', '{workspaceRoot}/dist/docker/{projectName}'],
      options: { platforms: DEFAULT_PLATFORMS.join(',') },
      // CI looks base images up afresh, so a moved base tag is noticed; tags come from the CI facts it states. It keeps
      // its images in the registry by digest, so a cache hit on another machine can test and publish them, and its
      // layers are reproducible, so a fleet building one commit pushes (and caches) one set of layers.
      configurations: { ci: { pull: true, keepImagesIn: 'registry', reproducible: true } },
      metadata: { technologies, description: 'Build the image for every platform with BuildKit, tag it from git, record it in metadata.json.' },
    },
    'contract-test': {
      executor: 'janus:contract-test',
      dependsOn: ['docker-build'],
      // Keyed on what the build made (image ids, digests, secrets), not its timings: the same image is proved once.
      cache: true,
      inputs: [{ dependentTasksOutputFiles: `**/${IMAGE_DIGESTS_FILE}` }],
      outputs: ['{options.reportDir}', '{workspaceRoot}/dist/contract/{projectName}'],
      options: { port: options.port },
      configurations: { ci: {} },
      metadata: { technologies, description: 'Start the built image and prove the container contract (report.json, junit.xml).' },
    },
    // Publishes what docker-build built and contract-test checked, so nothing ships untested.
    'docker-push': {
      executor: 'janus:docker-push',
      dependsOn: ['contract-test'],
      // Its own record (publish.json); docker-build's output is never rewritten.
      outputs: ['{options.outputPath}', '{workspaceRoot}/dist/docker-push/{projectName}'],
      configurations: { ci: {} },
      metadata: { technologies, description: 'Publish the built and checked images and their manifest list under every tag.' },
    },
    'image-report': {
      executor: 'janus:image-report',
      metadata: {
        technologies,
        description: 'Print what the published image says about itself, read back from its registry: platforms, sizes, SBOM package counts, provenance.',
      },
    },
    'docker-run': {
      executor: 'janus:docker-run',
      dependsOn: ['docker-build'],
      ...(continuousRun ? { continuous: true } : {}),
      options: { port: options.port },
      metadata: { technologies, description: "Run the built image for this machine's platform on localhost, following its logs until Ctrl-C." },
    },
    'docker-logs': {
      executor: 'janus:docker-logs',
      metadata: { technologies, description: "Show this project's container output (docker-run's or its compose service's); --follow to keep following." },
    },
    'docker-stop': {
      executor: 'janus:docker-stop',
      metadata: { technologies, description: "Stop and remove this project's containers in this workspace (docker-run's or its compose service's)." },
    },
  };
}

/**
 * A split build (one runner per platform): a build target per platform, each pushing its image to the registry by
 * digest and writing its own record, and the build target itself merging those records into the one record
 * contract-test and docker-push read. Each target owns its outputs; a machine that restores the platform records
 * from the shared Nx cache merges and publishes without building.
 */
export function splitBuildTargets(
  build: TargetConfiguration,
  buildName: string,
  platforms: string[],
  outputDir: (suffix: string) => string,
  suffixOf: (platform: string) => string,
): Record<string, TargetConfiguration> {
  const targets: Record<string, TargetConfiguration> = {};
  for (const platform of platforms) {
    const suffix = suffixOf(platform);
    targets[`${buildName}-${suffix}`] = {
      ...build,
      outputs: ['{options.outputPath}'],
      options: { ...build.options, platforms: platform, keepImagesIn: 'registry', outputPath: outputDir(suffix) },
      metadata: { technologies, description: `Build the image for ${platform} only and push it to the registry by digest (one runner per platform).` },
    };
  }
  targets[buildName] = {
    executor: 'janus:docker-merge',
    dependsOn: [...Object.keys(targets), ...(build.dependsOn ?? [])],
    cache: true,
    // The platform records themselves (their commit, tags and digests), restored or built.
    inputs: [{ dependentTasksOutputFiles: '**/metadata.json' }],
    outputs: ['{options.outputPath}', '{workspaceRoot}/dist/docker/{projectName}'],
    options: { platformTargets: Object.keys(targets) },
    configurations: { ci: {} },
    metadata: { technologies, description: `Merge the platform builds (${platforms.join(', ')}) into one record; nothing is rebuilt.` },
  };
  return targets;
}

/**
 * The workspace's targets, on the project at the root of a compose file: bring the compose file up with the
 * images the workspace builds (after building them), take it down, and clean up what the workspace started.
 */
export function composeTargets(options: { file: string; buildTarget: string }): Record<string, TargetConfiguration> {
  return {
    'compose-up': {
      executor: 'janus:compose-up',
      // The services' projects are this project's dependencies (createDependencies reads the compose file).
      dependsOn: [`^${options.buildTarget}`],
      options: { file: options.file },
      metadata: { technologies, description: `Build the services' images, start ${options.file} in the background and wait until every service is healthy.` },
    },
    'compose-down': {
      executor: 'janus:compose-down',
      options: { file: options.file },
      metadata: { technologies, description: `Stop and remove ${options.file}'s containers and networks; check nothing of it is left.` },
    },
    'docker-clean': {
      executor: 'janus:docker-clean',
      metadata: {
        technologies,
        description: "Remove this workspace's containers and the kept or dangling images its own builds left (never anyone else's).",
      },
    },
  };
}
