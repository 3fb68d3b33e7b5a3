// Regenerates every generator's and executor's schema.json from its zod options schema (`npm run schemas`).
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { toNxSchemaJson } from '../../libs/janus/src/schema/nx-schema-json';
import { registeredSchemas } from '../../libs/janus/src/schema/schema-registry';

const root = join(__dirname, '../..');
for (const s of registeredSchemas(join(root, 'libs/janus'))) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { schema, schemaMeta } = require(s.optionsModule);
  writeFileSync(s.schemaJson, JSON.stringify(toNxSchemaJson(schema, schemaMeta), null, 2) + '\n');
  console.log(`wrote ${relative(root, s.schemaJson)}`);
}
