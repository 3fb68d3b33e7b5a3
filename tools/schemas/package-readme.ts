// The reference part of the published package's README (libs/janus/README.md): every generator and executor
// the collections register, with each option as its zod schema states it. `npm run schemas` writes it between
// the markers below; the text around them is written by hand and kept. package-readme.spec.ts fails when the
// README and the schemas disagree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { registeredSchemas, type RegisteredSchema } from '../../libs/janus/src/schema/schema-registry';
import { janusTargets } from '../../libs/janus/src/targets/janus-targets';

export const BEGIN_MARKER = '<!-- generated from the zod option schemas by `npm run schemas`: edit those, not this section -->';
export const END_MARKER = '<!-- end of the generated section -->';

export function packageReadmePath(pluginRoot: string): string {
  return join(pluginRoot, 'README.md');
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  $default?: { $source?: string; index?: number };
  'x-priority'?: string;
  'x-deprecated'?: string | boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** A table cell holds one line, and `|` would end it. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
/**
 * Schema descriptions are plain text: `<name>` would vanish as an HTML tag and `v*` could start emphasis. Code
 * spans (between backticks) are shown as they are, so they are left alone.
 */
const prose = (text: string) =>
  text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/</g, '&lt;').replace(/\*/g, '\\*')))
    .join('');
const code = (text: string) => `\`${text}\``;

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => code(JSON.stringify(v))).join(' | ');
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (s.anyOf ?? s.oneOf) return (s.anyOf ?? s.oneOf)!.map(typeOf).join(' or ');
  if (Array.isArray(s.type)) return s.type.join(' | ');
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'unknown'}[]`;
  if (s.type === 'object' && typeof s.additionalProperties === 'object') return `{ [name]: ${typeOf(s.additionalProperties)} }`;
  return s.type ?? 'any';
}

function constraints(s: JsonSchema): string[] {
  const out: string[] = [];
  if (s.minimum !== undefined && s.maximum !== undefined) out.push(`${s.minimum} to ${s.maximum}`);
  else if (s.minimum !== undefined) out.push(`at least ${s.minimum}`);
  else if (s.maximum !== undefined) out.push(`at most ${s.maximum}`);
  return out;
}

/** The inferred targets that run an executor, with their `ci` configuration, from the inference code itself. */
function inferredAs(executor: string): string[] {
  return Object.entries(janusTargets({ port: 8080 }))
    .filter(([, t]) => t.executor === `janus:${executor}`)
    .map(([target, t]) => {
      const ci = t.configurations?.ci;
      const ciText =
        ci === undefined
          ? ''
          : Object.keys(ci).length
            ? `; its \`ci\` configuration sets ${Object.entries(ci)
                .map(([k, v]) => code(`${k}: ${JSON.stringify(v)}`))
                .join(', ')}`
            : '; it has a `ci` configuration with nothing of its own';
      const deps = t.dependsOn?.length ? `, after ${t.dependsOn.map((d) => code(typeof d === 'string' ? d : JSON.stringify(d))).join(', ')}` : '';
      return `Inferred as target ${code(target)}${deps}${ciText}.`;
    });
}

interface Collections {
  generators: Record<string, { description?: string; hidden?: boolean }>;
  executors: Record<string, { description?: string }>;
}

function readCollections(pluginRoot: string): Collections {
  const read = (file: string) => JSON.parse(readFileSync(join(pluginRoot, file), 'utf8')) as Record<string, never>;
  return { generators: read('generators.json').generators, executors: read('executors.json').executors };
}

function optionRows(json: JsonSchema): string[] {
  const required = new Set(json.required ?? []);
  const rows = ['| Option | Type | Default | Description |', '| --- | --- | --- | --- |'];
  for (const [name, prop] of Object.entries(json.properties ?? {})) {
    const notes = [
      ...(required.has(name) ? ['required'] : []),
      ...(prop.$default?.$source === 'argv' ? [`positional argument ${(prop.$default.index ?? 0) + 1}`] : []),
      ...(prop['x-priority'] === 'internal' ? ['internal'] : []),
      ...(prop['x-deprecated'] ? ['deprecated'] : []),
    ];
    const description = [prose(prop.description ?? ''), ...constraints(prop).map((c) => `(${c})`)].filter(Boolean).join(' ');
    rows.push(
      `| ${code(name)}${notes.length ? ` (${notes.join(', ')})` : ''} | ${cell(typeOf(prop))} | ${prop.default === undefined ? '' : cell(code(JSON.stringify(prop.default)))} | ${cell(description)} |`,
    );
  }
  return rows;
}

/** One entry's block: heading, description, how it is run, its options. */
export function renderEntry(entry: RegisteredSchema, collections: Collections): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { schema } = require(entry.optionsModule) as { schema: z.ZodType };
  // The zod schema itself, not schema.json: schema.json leaves ranges and lengths out (zod checks them, in words).
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  const lines: string[] = [];
  if (entry.kind === 'generator') {
    const meta = collections.generators[entry.name] ?? {};
    const positional = Object.entries(json.properties ?? {})
      .filter(([, p]) => p.$default?.$source === 'argv')
      .map(([name]) => `<${name}>`);
    lines.push(`### \`janus:${entry.name}\``, '', prose(meta.description ?? ''), '');
    if (meta.hidden)
      lines.push(
        `Hidden from \`nx list janus\`${entry.name === 'init' ? ': `nx add @janus-containers/nx` runs it, and so does every other janus generator' : ''}.`,
        '',
      );
    lines.push('```sh', `npx nx g janus:${entry.name}${positional.length ? ` ${positional.join(' ')}` : ''} [options]`, '```', '');
  } else {
    const meta = collections.executors[entry.name] ?? {};
    const inferred = inferredAs(entry.name);
    lines.push(`### \`janus:${entry.name}\``, '', prose(meta.description ?? ''), '');
    // Executors that no per-project target runs (a workspace-level one, say) are named by how any target uses them.
    lines.push(inferred.length ? inferred.join(' ') : `Used by a target with \`"executor": "janus:${entry.name}"\`.`, '');
  }
  lines.push(...optionRows(json));
  return lines.join('\n');
}

/** The whole generated section, without its markers: generators first, then executors, in collection order. */
export function renderReference(pluginRoot: string): string {
  const collections = readCollections(pluginRoot);
  const entries = registeredSchemas(pluginRoot);
  const section = (kind: RegisteredSchema['kind'], title: string) => [
    `## ${title}`,
    '',
    ...entries.filter((e) => e.kind === kind).flatMap((e) => [renderEntry(e, collections), '']),
  ];
  return [...section('generator', 'Generators'), ...section('executor', 'Executors')].join('\n').trimEnd();
}

/** The generated section of a README as it stands, or undefined without exactly one pair of markers in order. */
export function generatedSection(readme: string): string | undefined {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin < 0 || end < begin || readme.indexOf(BEGIN_MARKER, begin + 1) >= 0 || readme.indexOf(END_MARKER, end + 1) >= 0) return undefined;
  return readme.slice(begin + BEGIN_MARKER.length, end).trim();
}

/** The README with its generated section replaced; the hand-written text around the markers is kept byte for byte. */
export function spliceReference(readme: string, file: string, reference: string): string {
  if (generatedSection(readme) === undefined) {
    throw new Error(`${file} needs exactly one '${BEGIN_MARKER}' followed by one '${END_MARKER}' where the reference goes`);
  }
  const begin = readme.indexOf(BEGIN_MARKER) + BEGIN_MARKER.length;
  return `${readme.slice(0, begin)}\n\n${reference}\n\n${readme.slice(readme.indexOf(END_MARKER))}`;
}
