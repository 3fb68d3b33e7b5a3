import { formatFiles, getProjects, joinPathFragments, logger, readNxJson, type Tree } from '@nx/devkit';
import { janusPluginEntryOptions, normalizePluginOptions, SET_REGISTRY_HINT } from '../../workspace/plugin-options';
import { SECRET_KEY_PATTERN } from '../../schema/common-fields';
import { OptionsError, parseOptions } from '../../schema/parse-options';
import { parseJanusJson } from '../../rendering/janus-json';
import { type DeployGeneratorOptions, type ParsedDeployOptions, schema } from './options-schema';
import { type DeployPlan, deployFiles } from './systemd-units';

const SUBJECT = 'janus:deploy';

// What a baseline agent reads at run time (its settings module): the key is the one secret.
const BASELINE_ENV = ['JANUS_LLM_API_KEY', 'JANUS_PLATFORM_URL', 'LOG_LEVEL=INFO'];

/** The registry the workspace pushes to: the janus plugin's `registry` option in nx.json. */
function workspaceRegistry(tree: Tree): string | undefined {
  const raw = janusPluginEntryOptions(readNxJson(tree) ?? undefined);
  return raw === undefined ? undefined : normalizePluginOptions(raw).registry;
}

/** Every option checked against the workspace, and the whole plan resolved, before anything is written. */
export function resolveDeployPlan(tree: Tree, o: ParsedDeployOptions): { plan: DeployPlan; directory: string } {
  const problems: string[] = [];
  const projects = getProjects(tree);
  const project = projects.get(o.project);
  const janusProjects = [...projects].filter(([, p]) => tree.exists(joinPathFragments(p.root, 'janus.json'))).map(([n]) => n);
  if (!project) {
    throw new OptionsError(SUBJECT, [
      `'project' = ${JSON.stringify(o.project)}: no such project in this workspace (janus projects: ${janusProjects.join(', ') || 'none'})`,
    ]);
  }
  const janusFile = joinPathFragments(project.root, 'janus.json');
  if (!tree.exists(janusFile)) {
    throw new OptionsError(SUBJECT, [
      `'project' = ${JSON.stringify(o.project)}: not a janus container project (no ${janusFile}; janus projects: ${janusProjects.join(', ') || 'none'})`,
    ]);
  }
  const { json: janus, problem } = parseJanusJson(tree.read(janusFile, 'utf8')!, janusFile);
  if (!janus) throw new OptionsError(SUBJECT, [`'project' = ${JSON.stringify(o.project)}: ${problem}`]);
  if (janus.kind === 'base-image' || janus.kind === 'runtime') {
    problems.push(`'project' = ${JSON.stringify(o.project)}: a ${janus.kind} serves nothing to keep running; deploy a server (an agent or a service) instead`);
  }
  const build = (project.targets?.['docker-build']?.options ?? {}) as { image?: string; registry?: string };
  const registry = o.registry ?? build.registry ?? workspaceRegistry(tree);
  if (!registry) {
    problems.push(
      `'registry' = (missing): the host pulls ${o.project}'s image from a registry, and neither --registry, ${o.project}'s docker-build nor the workspace names one; ` +
        `${SET_REGISTRY_HINT} or pass --registry=<host[:port]>`,
    );
  }
  const repository = o.image ?? build.image ?? o.project;
  const containerPort = o.port ?? janus.options?.port ?? 8080;
  if (o.network === 'none' && o.hostPort !== undefined) {
    problems.push(`'hostPort' = ${o.hostPort}: a container on network none publishes nothing; leave hostPort out or choose another network`);
  }
  const env = (o.env ?? (janus.template === 'baseline' ? BASELINE_ENV : ['LOG_LEVEL=INFO'])).map((entry) => {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    return { name, value: eq < 0 ? undefined : entry.slice(eq + 1), secret: SECRET_KEY_PATTERN.test(name) };
  });
  for (const e of env.filter((e) => e.secret && e.value)) {
    problems.push(`'env' = ${JSON.stringify(`${e.name}=…`)}: ${e.name} looks like a secret; give the name only, and fill the value in on the host`);
  }
  const seen = new Set<string>();
  for (const e of env) {
    if (seen.has(e.name)) problems.push(`'env' = ${JSON.stringify(e.name)}: listed twice`);
    seen.add(e.name);
  }
  const directory = (o.directory ?? `deploy/${o.project}`).replace(/\\/g, '/').replace(/\/+$/, '');
  const enclosing = [...projects].find(([, p]) => p.root && p.root !== '.' && `${directory}/`.startsWith(`${p.root.replace(/\/+$/, '')}/`));
  if (enclosing) {
    problems.push(`'directory' = ${JSON.stringify(directory)}: inside the project ${enclosing[0]} (${enclosing[1].root}), whose image would take it in`);
  }
  if (tree.isFile(directory)) problems.push(`'directory' = ${JSON.stringify(directory)}: is a file`);
  if (problems.length) throw new OptionsError(SUBJECT, problems);
  const unit = o.unitName ?? `janus-${o.project}`;
  return {
    directory,
    plan: {
      project: o.project,
      image: `${registry}/${repository}:${o.tag}`,
      unit,
      envFilePath: o.envFilePath ?? `/etc/janus/${o.project}.env`,
      containerPort,
      publish: o.network === 'none' ? undefined : { bind: o.bind, hostPort: o.hostPort ?? containerPort },
      network: o.network,
      memory: o.memory,
      pidsLimit: o.pidsLimit,
      readOnly: o.readOnly,
      tmpfs: o.tmpfs,
      updateInterval: o.updateInterval,
      dockerPath: o.dockerPath,
      env,
    },
  };
}

export async function deployGenerator(tree: Tree, raw: DeployGeneratorOptions) {
  const o = parseOptions(schema, raw, SUBJECT);
  const { plan, directory } = resolveDeployPlan(tree, o);
  const files = deployFiles(plan);
  // A file someone changed is not overwritten: regenerating with the same options is a no-op, other content stops.
  const changed = files
    .map((f) => joinPathFragments(directory, f.name))
    .filter((p) => tree.exists(p) && tree.read(p, 'utf8') !== files.find((f) => p.endsWith(`/${f.name}`))!.content);
  if (changed.length) {
    throw new OptionsError(SUBJECT, [
      `'directory' = ${JSON.stringify(directory)}: ${changed.join(', ')} exist with other content; remove them or give another --directory`,
    ]);
  }
  for (const f of files) tree.write(joinPathFragments(directory, f.name), f.content);
  if (!o.skipFormat) await formatFiles(tree);
  return () =>
    logger.info(
      `janus: wrote ${directory}/ for ${plan.image}: ${plan.unit}.service, ${plan.unit}-update.{service,timer}, ${plan.unit}.env (install it mode 0600 as ${plan.envFilePath}) and README.md`,
    );
}

export default deployGenerator;
