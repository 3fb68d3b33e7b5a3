// apps/demo-agent is a rendered copy of the baseline templates, checked in so the demo runs without a
// generator step. These functions say what the generator would write there today, and where the copy differs.
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { baselineGenerator } from '../../libs/janus/src/generators/baseline/generator';
import { REPO_ROOT } from '../repo-root';

export const DEMO_AGENT_DIR = 'apps/demo-agent';
// Nx owns project.json (tags, later target edits); janus.json is the generator's input, not its output.
const NOT_RENDERED = new Set(['project.json', 'janus.json']);
const isCache = (path: string) => path.split('/').includes('__pycache__') || /\.py[co]$/.test(path);

interface Recorded {
  template: string;
  options: { flavor: string; port: number; baseImage: string; uid: number };
}

/** The files (relative path → content) `nx g janus:baseline` writes for the demo agent, from its janus.json. */
export async function renderDemoAgent(root = REPO_ROOT): Promise<Map<string, string>> {
  return renderCheckedInBaseline(DEMO_AGENT_DIR, root);
}

/** The files `nx g janus:baseline` writes for a checked-in baseline project (`apps/<name>`), from its janus.json. */
export async function renderCheckedInBaseline(projectDir: string, root = REPO_ROOT): Promise<Map<string, string>> {
  const dir = join(root, projectDir);
  const { name } = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8')) as { name: string };
  const recorded = JSON.parse(readFileSync(join(dir, 'janus.json'), 'utf8')) as Recorded;
  if (recorded.template !== 'baseline') throw new Error(`${projectDir}/janus.json: template ${recorded.template}, expected baseline`);
  const tree: Tree = createTreeWithEmptyWorkspace();
  await baselineGenerator(tree, { ...(recorded.options as object), name, directory: projectDir, skipFormat: true });
  const files = new Map<string, string>();
  for (const change of tree.listChanges()) {
    const path = change.path.startsWith(`${projectDir}/`) ? change.path.slice(projectDir.length + 1) : undefined;
    if (path && change.content && !NOT_RENDERED.has(path)) files.set(path, change.content.toString('utf8'));
  }
  return files;
}

function filesOnDisk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((path) => !NOT_RENDERED.has(path) && !isCache(path));
}

/** One line per file where the checked-in copy and a fresh render disagree, sorted; empty when current. */
export function demoAgentDrift(rendered: Map<string, string>, root = REPO_ROOT): string[] {
  return checkedInDrift(DEMO_AGENT_DIR, rendered, root);
}

/** `demoAgentDrift` for any checked-in baseline project. */
export function checkedInDrift(projectDir: string, rendered: Map<string, string>, root = REPO_ROOT): string[] {
  const dir = join(root, projectDir);
  const problems: string[] = [];
  for (const [path, content] of rendered) {
    const file = join(dir, path);
    if (!existsSync(file)) problems.push(`${projectDir}/${path}: missing (the generator writes it)`);
    else if (readFileSync(file, 'utf8') !== content) problems.push(`${projectDir}/${path}: differs from what the generator renders`);
  }
  for (const path of filesOnDisk(dir)) {
    if (!rendered.has(path)) problems.push(`${projectDir}/${path}: not rendered by the generator any more`);
  }
  return problems.sort();
}
