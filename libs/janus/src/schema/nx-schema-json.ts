import { z } from 'zod';

export interface SchemaMeta {
  $id: string;
  title: string;
  description?: string;
}

// Nx validates options against schema.json before the generator runs and stops at the first problem with
// the raw pattern ("should match '^[a-z]…'"). These keywords are left to zod, which says in words what is
// allowed and lists every problem at once; types, enums and defaults stay, since Nx needs them to parse and
// prompt for CLI arguments.
const LEFT_TO_ZOD = new Set(['pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'propertyNames']);

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([k]) => !LEFT_TO_ZOD.has(k))
      .map(([k, v]) => [k, strip(v)]),
  );
}

/** The schema.json Nx reads, produced from the zod schema so the two cannot drift. */
export function toNxSchemaJson(schema: z.ZodType, meta: SchemaMeta): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema', cli: 'nx', ...meta, ...(strip(json) as Record<string, unknown>) };
}
