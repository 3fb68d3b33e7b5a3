import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RegisteredSchema {
  /** e.g. `generator baseline` */
  label: string;
  kind: 'generator' | 'executor';
  /** The name in its collection, e.g. `baseline`. */
  name: string;
  schemaJson: string;
  optionsModule: string;
}

/** Every generator and executor the plugin registers, with its schema.json and the zod module beside it. */
export function registeredSchemas(pluginRoot: string): RegisteredSchema[] {
  const out: RegisteredSchema[] = [];
  for (const [file, key, kind] of [
    ['generators.json', 'generators', 'generator'],
    ['executors.json', 'executors', 'executor'],
  ] as const) {
    const entries = JSON.parse(readFileSync(join(pluginRoot, file), 'utf8'))[key] as Record<string, { schema: string }>;
    for (const [name, entry] of Object.entries(entries)) {
      const schemaJson = join(pluginRoot, entry.schema);
      out.push({ label: `${kind} ${name}`, kind, name, schemaJson, optionsModule: join(dirname(schemaJson), 'options-schema.ts') });
    }
  }
  return out;
}
