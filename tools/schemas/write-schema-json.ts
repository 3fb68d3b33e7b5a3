// Regenerates every generator's and executor's schema.json from its zod options schema (`npm run schemas`),
// formatted as `npm run format` would, so `format:check` and the drift spec agree on what is current; then the
// reference section of the package README from the same schemas.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { toNxSchemaJson } from '../../libs/janus/src/schema/nx-schema-json';
import { registeredSchemas } from '../../libs/janus/src/schema/schema-registry';
import { packageReadmePath, renderReference, spliceReference } from './package-readme';

async function main() {
  const root = join(__dirname, '../..');
  for (const s of registeredSchemas(join(root, 'libs/janus'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { schema, schemaMeta } = require(s.optionsModule);
    const options = await resolveConfig(s.schemaJson);
    writeFileSync(s.schemaJson, await format(JSON.stringify(toNxSchemaJson(schema, schemaMeta), null, 2), { ...options, filepath: s.schemaJson }));
    console.log(`wrote ${relative(root, s.schemaJson)}`);
  }
  const readme = packageReadmePath(join(root, 'libs/janus'));
  writeFileSync(readme, spliceReference(readFileSync(readme, 'utf8'), relative(root, readme), renderReference(join(root, 'libs/janus'))));
  console.log(`wrote ${relative(root, readme)} (generated section)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
