import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ContainerEngine } from '../engine/container-engine';
import { containerEngine } from '../engine/docker-client';

/** Carried by every container janus runs for people (docker-run): whose workspace started it. */
export const WORKSPACE_LABEL = 'org.janus.workspace';
/** Carried by docker-run's container: the project it runs. */
export const RUN_LABEL = 'org.janus.run';
// Compose's own labels (v1 and v2 set the same ones).
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
export const COMPOSE_WORKING_DIR_LABEL = 'com.docker.compose.project.working_dir';

/** A short id for a workspace (its real path): a label value, so containers of two clones on one engine stay apart. */
export function workspaceId(root: string): string {
  return createHash('sha256').update(realRoot(root)).digest('hex').slice(0, 16);
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return resolve(root);
  }
}

/** Whether a compose project directory lies in the workspace (compose writes it as given, not resolved). */
function insideWorkspace(dir: string | undefined, root: string): boolean {
  if (!dir) return false;
  const roots = [resolve(root), realRoot(root)];
  const dirs = [resolve(dir), realRoot(dir)];
  return dirs.some((d) => roots.some((r) => d === r || d.startsWith(`${r}/`)));
}

export interface WorkspaceContainer {
  id: string;
  name: string;
  state: string;
  /** How it was started: by docker-run for a project, or by compose for a service. */
  origin: { kind: 'run'; project: string } | { kind: 'compose'; composeProject: string; service: string };
}

/**
 * Every container this workspace started, running or not: docker-run's (labelled with the workspace id) and
 * compose's (whose project directory is in the workspace). Nobody else's, whatever their names.
 */
export async function workspaceContainers(root: string, engine: ContainerEngine = containerEngine()): Promise<WorkspaceContainer[]> {
  const [runs, composed] = await Promise.all([
    engine.containers.list({ labels: [`${WORKSPACE_LABEL}=${workspaceId(root)}`] }),
    engine.containers.list({ labels: [COMPOSE_WORKING_DIR_LABEL] }),
  ]);
  const out: WorkspaceContainer[] = [];
  for (const c of runs) {
    out.push({ id: c.id, name: c.name, state: c.state, origin: { kind: 'run', project: c.labels[RUN_LABEL] ?? '' } });
  }
  for (const c of composed) {
    if (!insideWorkspace(c.labels[COMPOSE_WORKING_DIR_LABEL], root) || out.some((o) => o.id === c.id)) continue;
    out.push({
      id: c.id,
      name: c.name,
      state: c.state,
      origin: { kind: 'compose', composeProject: c.labels[COMPOSE_PROJECT_LABEL] ?? '', service: c.labels[COMPOSE_SERVICE_LABEL] ?? '' },
    });
  }
  return out;
}

/** A project's containers in this workspace: the one docker-run started, and compose services named after it. */
export async function projectContainers(root: string, project: string, engine: ContainerEngine = containerEngine()): Promise<WorkspaceContainer[]> {
  return (await workspaceContainers(root, engine)).filter((c) => (c.origin.kind === 'run' ? c.origin.project : c.origin.service) === project);
}
