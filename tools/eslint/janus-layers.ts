// The layers of libs/janus/src as a lint rule, so the picture in libs/janus/README.md ("Layers") stays true without
// anyone watching: an import only points down a floor, engine/ and registry/ never import each other, the plugin
// imports nothing from outside its src (test helpers live in libs/janus-testing), and no files or folders import
// each other in a loop. No dependency beyond TypeScript's own import scanner, so the workspace's ESLint needs no
// plugin package for it (eslint.config.mjs loads this file through @swc-node/register).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Rule } from 'eslint';
import ts from 'typescript';

const SRC = resolve(__dirname, '../../libs/janus/src');

/** The floors, ground first. A folder may import its own floor's folders (without a loop) and any floor below. */
export const FLOORS: readonly (readonly string[])[] = [
  ['oci'],
  ['process', 'schema', 'package'],
  ['workspace', 'git', 'dockerfile'],
  ['engine', 'registry'],
  ['image'],
  ['contract', 'compose', 'rendering', 'targets'],
  ['plugin'],
  ['executors', 'generators', 'migrations', 'index.ts'],
];
/** Folders on one floor that never import each other: the one above both hands over what one needs of the other. */
export const APART: readonly (readonly string[])[] = [['engine', 'registry']];

const floorOf = new Map(FLOORS.flatMap((names, floor) => names.map((n) => [n, floor] as const)));

/** The file an import names, as Node and TypeScript resolve a relative specifier; undefined for packages. */
function resolveImport(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) if (existsSync(candidate)) return candidate;
  return `${base}.ts`; // not written yet: still says which folder it is in
}

/** The room of libs/janus/src a path is in: its top folder, or the file's own name at the top. */
function roomOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0] : parts[0].replace(/(\.ts)?$/, '.ts');
}

const isInside = (file: string) => !relative(SRC, file).startsWith('..');
const isSpec = (file: string) => /\.spec\.ts$/.test(file);

function importsOf(file: string, text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((i) => resolveImport(file, i.fileName))
    .filter((f): f is string => f !== undefined && isInside(f) && !isSpec(f));
}

/** The import graph of the plugin's source (specs left out), read once per lint run. */
let diskGraph: Map<string, string[]> | undefined;
function graphOnDisk(): Map<string, string[]> {
  if (diskGraph) return diskGraph;
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'files' && e.name !== '__fixtures__' && e.name !== 'node_modules') walk(p);
      } else if (e.name.endsWith('.ts') && !isSpec(p)) {
        graph.set(p, importsOf(p, readFileSync(p, 'utf8')));
      }
    }
  };
  walk(SRC);
  return (diskGraph = graph);
}

/** A shortest path of imports from `start` to `goal` (both included), or undefined. */
function pathBetween(start: string, goal: string, next: (at: string) => Iterable<string>): string[] | undefined {
  const cameFrom = new Map([[start, start]]);
  const queue = [start];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === goal) {
      const path = [at];
      while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
      return path;
    }
    for (const n of next(at)) {
      if (cameFrom.has(n)) continue;
      cameFrom.set(n, at);
      queue.push(n);
    }
  }
  return undefined;
}

const layers: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports in libs/janus/src only point down its layers, and never in a loop' },
    schema: [],
    messages: {
      upward:
        '{{from}} (floor {{fromFloor}}) imports {{to}} (floor {{toFloor}}): an import only points down. Move the shared part down, or let the caller above both hand it over (layers: libs/janus/README.md).',
      apart: '{{from}} imports {{to}}: the two stand side by side and never import each other; the layer above both hands over what is needed.',
      noFloor: '{{room}} has no floor: add it to FLOORS in tools/eslint/janus-layers.js and to "Layers" in libs/janus/README.md.',
      outside: 'the plugin imports only its own src, not {{target}}: test helpers live in libs/janus-testing, tools in tools/.',
      fileCycle: 'import cycle: {{cycle}}',
      roomCycle: 'folder cycle: {{cycle}}',
    },
  },
  create(context) {
    const file = resolve(context.filename);
    if (!isInside(file) || isSpec(file)) return {};
    const from = roomOf(file);
    const graph = graphOnDisk();
    const mine = importsOf(file, context.sourceCode.text);
    const importsOfFile = (f: string) => (f === file ? mine : (graph.get(f) ?? []));
    const roomEdges = () => {
      const edges = new Map<string, Set<string>>();
      for (const f of new Set([...graph.keys(), file])) {
        for (const t of importsOfFile(f)) {
          const [a, b] = [roomOf(f), roomOf(t)];
          if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
        }
      }
      return edges;
    };
    let rooms: Map<string, Set<string>> | undefined;
    const short = (f: string) => relative(SRC, f);

    function check(node: Rule.Node, specifier: unknown): void {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = resolveImport(file, specifier)!;
      if (!isInside(target)) {
        context.report({ node, messageId: 'outside', data: { target: relative(resolve(SRC, '../../..'), target) } });
        return;
      }
      const to = roomOf(target);
      for (const room of [from, to]) {
        if (!floorOf.has(room)) return void context.report({ node, messageId: 'noFloor', data: { room } });
      }
      const [fromFloor, toFloor] = [floorOf.get(from)!, floorOf.get(to)!];
      if (toFloor > fromFloor)
        return void context.report({ node, messageId: 'upward', data: { from, to, fromFloor: String(fromFloor), toFloor: String(toFloor) } });
      if (APART.some((pair) => pair.includes(from) && pair.includes(to) && from !== to))
        return void context.report({ node, messageId: 'apart', data: { from, to } });
      if (isSpec(target)) return;
      const back = pathBetween(target, file, importsOfFile);
      if (back) return void context.report({ node, messageId: 'fileCycle', data: { cycle: [file, ...back].map(short).join(' → ') } });
      if (from !== to) {
        rooms ??= roomEdges();
        const edges = rooms;
        const roomsBack = pathBetween(to, from, (r) => edges.get(r) ?? []);
        if (roomsBack) context.report({ node, messageId: 'roomCycle', data: { cycle: [from, ...roomsBack].map((r) => `${r}/`).join(' → ') } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => {
        if (node.source) check(node, node.source.value);
      },
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => {
        if (node.source.type === 'Literal') check(node, node.source.value);
      },
    };
  },
};

export const plugin = { meta: { name: 'janus' }, rules: { layers } };
