import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toNxSchemaJson } from './nx-schema-json';
import { registeredSchemas } from './schema-registry';

const PLUGIN_ROOT = join(__dirname, '../..');

describe('schema.json files', () => {
  it.each(registeredSchemas(PLUGIN_ROOT).map((s) => [s.label, s] as const))('%s matches its zod schema', (_label, s) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { schema, schemaMeta } = require(s.optionsModule);
    const expected = toNxSchemaJson(schema, schemaMeta);
    const actual = JSON.parse(readFileSync(s.schemaJson, 'utf8'));
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      throw new Error(`${s.schemaJson} is out of date with ${s.optionsModule}: run 'npm run schemas'`);
    }
  });
});
