import {
  formatFiles,
  getProjects,
  joinPathFragments,
  logger,
  readNxJson,
  type TargetConfiguration,
  type Tree,
  updateNxJson,
  updateProjectConfiguration,
} from '@nx/devkit';
import { janusPluginEntryOptions } from '../../workspace/plugin-options';
import { PLUGIN_ENTRY } from '../../workspace/plugin-names';
import { MACHINE_SETTINGS, NPM_CA_SECRET, NPM_REGISTRY_ARG } from '../../workspace/machine-settings';

// janus 0.2 wrote how its own machine reached npm into every project it generated: the host network and a CA
// bundle at a Debian path (project.json), and the npm registry the generating machine used (janus.json and the
// runtime Dockerfile's NPM_REGISTRY default). On a laptop or a hosted runner those break the build before it
// starts. They move out of the projects, to the environment of the machines that need them.
const PUBLIC_NPM = 'https://registry.npmjs.org/';
/** What docker-build defaulted to before the workspace named its registry. */
const OLD_DEFAULT_REGISTRY = 'localhost:5000';
const NPM_CA_SPEC = new RegExp(`^\\s*id=${NPM_CA_SECRET},\\s*(?:src|source)=(.+?)\\s*$`);
const NPM_REGISTRY_ARG_LINE = new RegExp(`^ARG ${NPM_REGISTRY_ARG}=(\\S*)[ \\t]*$`, 'm');
const INSTALL_FROM_ARG = `--registry "$${NPM_REGISTRY_ARG}"`;
const INSTALL_FROM_ARG_IF_SET = `\${${NPM_REGISTRY_ARG}:+--registry "$${NPM_REGISTRY_ARG}"}`;
const ARG_COMMENT = "# The machine's npm registry when it names one (JANUS_NPM_REGISTRY), else npm's own default.";

type Fact = keyof typeof MACHINE_SETTINGS;

/** What moved, per machine setting and value: which projects had it. */
class Moved {
  readonly found = new Map<string, { fact: Fact; value: string; projects: Set<string> }>();
  add(fact: Fact, value: string, project: string) {
    const key = `${fact}\0${value}`;
    const entry = this.found.get(key) ?? { fact, value, projects: new Set<string>() };
    entry.projects.add(project);
    this.found.set(key, entry);
  }
}

function withoutMachineOptions(name: string, target: TargetConfiguration, moved: Moved): TargetConfiguration | undefined {
  const options = { ...(target.options as Record<string, unknown> | undefined) };
  if (options.network === 'host') {
    moved.add('network', 'host', name);
    delete options.network;
  }
  if (options.secrets !== undefined) {
    const specs = (Array.isArray(options.secrets) ? options.secrets : [options.secrets]) as unknown[];
    const kept = specs.filter((s) => {
      const ca = typeof s === 'string' ? NPM_CA_SPEC.exec(s) : null;
      if (ca) moved.add('npmCaFile', ca[1], name);
      return !ca;
    });
    if (kept.length) options.secrets = kept;
    else delete options.secrets;
  }
  const rest: TargetConfiguration = { ...target };
  if (Object.keys(options).length) rest.options = options;
  else delete rest.options;
  return Object.keys(rest).length ? rest : undefined;
}

/** The runtime Dockerfile as the templates render it now: NPM_REGISTRY has no default and is used only when given. */
function machineFreeDockerfile(text: string, name: string, moved: Moved): string {
  const arg = NPM_REGISTRY_ARG_LINE.exec(text);
  if (!arg) return text;
  if (arg[1] && arg[1] !== PUBLIC_NPM) moved.add('npmRegistry', arg[1], name);
  const before = text.slice(0, arg.index);
  const comment = before.endsWith(`${ARG_COMMENT}\n`) ? '' : `${ARG_COMMENT}\n`;
  return (before + comment + `ARG ${NPM_REGISTRY_ARG}` + text.slice(arg.index + arg[0].length)).split(INSTALL_FROM_ARG).join(INSTALL_FROM_ARG_IF_SET);
}

function say(moved: Moved): string[] {
  const lines: string[] = [];
  for (const { fact, value, projects } of moved.found.values()) {
    const { env, option } = MACHINE_SETTINGS[fact];
    const what = { network: 'the build network', npmCaFile: 'the npm CA bundle', npmRegistry: 'the npm registry' }[fact];
    lines.push(
      `janus: moved ${what} ${JSON.stringify(value)} out of ${[...projects].sort().join(', ')}: set ${env}=${value} on machines that need it ` +
        `(or "${option}" in the janus plugin options in nx.json for every machine of this workspace)`,
    );
  }
  return lines;
}

/**
 * janus 0.3.0: project files carry no machine settings. The build network and npm CA secret leave project.json,
 * the npm registry leaves janus.json and the runtime Dockerfile; what moved is printed with the variable that
 * says it now. The registry docker-build used to default to becomes the workspace's own setting in nx.json.
 */
export default async function moveMachineSettings(tree: Tree) {
  const moved = new Moved();
  for (const [name, project] of getProjects(tree)) {
    let changed = false;
    const targets = { ...project.targets };
    for (const [targetName, target] of Object.entries(targets)) {
      if (target.executor !== undefined && target.executor !== 'janus:docker-build') continue;
      if (target.executor === undefined && !tree.exists(joinPathFragments(project.root, 'janus.json'))) continue;
      const before = JSON.stringify(target);
      const after = withoutMachineOptions(name, target, moved);
      if (JSON.stringify(after) === before) continue;
      changed = true;
      if (after) targets[targetName] = after;
      else delete targets[targetName];
    }
    if (changed) updateProjectConfiguration(tree, name, { ...project, targets });

    const recordPath = joinPathFragments(project.root, 'janus.json');
    if (tree.exists(recordPath)) {
      try {
        const record = JSON.parse(tree.read(recordPath, 'utf8')!) as { options?: Record<string, unknown> };
        const registry = record.options?.registry;
        if (record.options && typeof registry === 'string') {
          if (registry !== PUBLIC_NPM) moved.add('npmRegistry', registry, name);
          delete record.options.registry;
          tree.write(recordPath, `${JSON.stringify(record, null, 2)}\n`);
        }
      } catch (e) {
        logger.warn(`janus migration: ${recordPath} is not valid JSON (${(e as Error).message}); its npm registry, if any, was left in place`);
      }
    }
    const dockerfile = joinPathFragments(project.root, 'Dockerfile');
    const text = tree.read(dockerfile, 'utf8');
    if (text !== null) {
      const next = machineFreeDockerfile(text, name, moved);
      if (next !== text) tree.write(dockerfile, next);
    }
  }

  // Images used to be tagged for localhost:5000 unless a target said otherwise: keep that, now as a setting
  // the workspace can see and change.
  const nxJson = readNxJson(tree);
  const options = janusPluginEntryOptions(nxJson ?? undefined) as Record<string, unknown> | undefined;
  const registryNamed = options?.registry !== undefined;
  if (nxJson && options !== undefined && !registryNamed) {
    nxJson.plugins = (nxJson.plugins ?? []).map((p) =>
      (typeof p === 'string' ? p : p.plugin) === PLUGIN_ENTRY ? { plugin: PLUGIN_ENTRY, options: { ...options, registry: OLD_DEFAULT_REGISTRY } } : p,
    );
    updateNxJson(tree, nxJson);
  }
  await formatFiles(tree);
  const lines = say(moved);
  if (nxJson && options !== undefined && !registryNamed) {
    lines.push(
      `janus: images are tagged for ${OLD_DEFAULT_REGISTRY}, as before, now as the janus plugin's "registry" option in nx.json: change it there to push elsewhere`,
    );
  }
  for (const line of lines) logger.info(line);
  // Nx prints what a migration returns as its next steps.
  return lines;
}
