import { formatFiles, getProjects, joinPathFragments, logger, type TargetConfiguration, type Tree, updateProjectConfiguration } from '@nx/devkit';
import { isDeepStrictEqual } from 'node:util';
import { initGenerator } from '../../generators/init/generator';
import { janusTargets } from '../../targets/janus-targets';

// What janus:baseline wrote into every project.json before targets were inferred (janus 0.1.0 before
// 2ed8fe6), for a project on port 8080. A value equal to this, or to what inference gives today, was never
// the owner's choice and goes; anything else is the owner's and stays, merged by Nx over the inferred target.
const GIT_FACTS = {
  runtime:
    'git rev-parse HEAD 2>/dev/null; git symbolic-ref -q --short HEAD; git tag --points-at HEAD 2>/dev/null; git show -s --format=%cI HEAD 2>/dev/null; git config --get remote.origin.url; true',
};
const ENV_FACTS = [
  'JANUS_GIT_SHA',
  'JANUS_GIT_BRANCH',
  'JANUS_GIT_TAG',
  'JANUS_PR_NUMBER',
  'JANUS_DEFAULT_BRANCH',
  'GITHUB_SHA',
  'GITHUB_REF',
  'SOURCE_DATE_EPOCH',
];
function generatedBy010(port: number): Record<string, TargetConfiguration> {
  return {
    'dockerfile-lint': {
      executor: 'janus:dockerfile-lint',
      cache: true,
      inputs: ['{projectRoot}/Dockerfile', '{projectRoot}/.dockerignore', '{projectRoot}/.hadolint.yaml'],
      options: { port },
    },
    'docker-build': {
      executor: 'janus:docker-build',
      dependsOn: ['dockerfile-lint'],
      cache: true,
      inputs: ['default', ...ENV_FACTS.map((env) => ({ env })), GIT_FACTS],
      outputs: ['{options.outputPath}', '{workspaceRoot}/dist/docker/{projectName}'],
      options: { platforms: 'linux/amd64,linux/arm64' },
    },
    'contract-test': {
      executor: 'janus:contract-test',
      dependsOn: ['docker-build'],
      outputs: ['{options.reportDir}', '{workspaceRoot}/dist/contract/{projectName}'],
      options: { port },
    },
    'docker-push': { executor: 'janus:docker-push', dependsOn: ['contract-test'] },
  };
}

/** The part of a written target that is the owner's: keys and options equal to neither the old block nor inference go. */
function ownersPart(written: TargetConfiguration, old: TargetConfiguration | undefined, inferred: TargetConfiguration): TargetConfiguration {
  const kept: Record<string, unknown> = {};
  const generated = (key: string, value: unknown) =>
    isDeepStrictEqual(value, (old as Record<string, unknown> | undefined)?.[key]) || isDeepStrictEqual(value, (inferred as Record<string, unknown>)[key]);
  for (const [key, value] of Object.entries(written)) {
    if (key === 'options') {
      const options = Object.entries((value ?? {}) as Record<string, unknown>).filter(
        ([k, v]) => !isDeepStrictEqual(v, old?.options?.[k]) && !isDeepStrictEqual(v, inferred.options?.[k]),
      );
      if (options.length) kept.options = Object.fromEntries(options);
    } else if (!generated(key, value)) {
      kept[key] = value;
    }
  }
  return kept as TargetConfiguration;
}

/**
 * janus 0.2.0: projects generated with the target block in project.json move to inferred targets. Only what
 * an owner changed stays in project.json (Nx merges it over the inferred target); the plugin and janus:sync
 * are registered in nx.json.
 */
export default async function migrateToInferredTargets(tree: Tree) {
  const moved: string[] = [];
  for (const [name, project] of getProjects(tree)) {
    const recordPath = joinPathFragments(project.root, 'janus.json');
    if (!tree.exists(recordPath) || !project.targets) continue;
    let port = 8080;
    try {
      port = (JSON.parse(tree.read(recordPath, 'utf8')!) as { options?: { port?: number } }).options?.port ?? 8080;
    } catch {
      logger.warn(`janus migration: ${recordPath} is not valid JSON; ${name} keeps its targets`);
      continue;
    }
    const old = generatedBy010(port);
    const inferred = janusTargets({ port });
    const targets = { ...project.targets };
    const notes: string[] = [];
    for (const [target, written] of Object.entries(project.targets)) {
      if (!(target in inferred) || written.executor !== inferred[target].executor) continue;
      const owners = ownersPart(written, old[target], inferred[target]);
      if (Object.keys(owners).length) {
        targets[target] = owners;
        notes.push(`${target} keeps ${Object.keys(owners).join(', ')}`);
      } else {
        delete targets[target];
      }
    }
    if (isDeepStrictEqual(targets, project.targets)) continue;
    updateProjectConfiguration(tree, name, { ...project, targets });
    moved.push(`${name}${notes.length ? ` (${notes.join('; ')})` : ''}`);
  }
  await initGenerator(tree, { skipFormat: true });
  await formatFiles(tree);
  if (moved.length) logger.info(`janus: targets are inferred now; project.json keeps only what was changed by hand: ${moved.join(', ')}`);
}
