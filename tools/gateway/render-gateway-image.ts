// Writes apps/gateway's Dockerfile and .dockerignore from the node-service templates and records their
// managed regions in its janus.json. Run once when the gateway's janus.json options change; template changes
// reach it through `nx sync` like every other rendered project.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRecordSchema } from '../../libs/janus/src/rendering/janus-json';
import { formatRecord, managedRecord, PACKAGE_VERSION, renderProject } from '../../libs/janus/src/rendering/render-record';

const root = join(__dirname, '../../apps/gateway');
const record = renderRecordSchema.parse(JSON.parse(readFileSync(join(root, 'janus.json'), 'utf8')));
const files = renderProject('gateway', record).filter((f) => f.path === 'Dockerfile' || f.path === '.dockerignore');
for (const f of files) writeFileSync(join(root, f.path), f.content);
writeFileSync(join(root, 'janus.json'), formatRecord({ ...record, pluginVersion: PACKAGE_VERSION, managed: managedRecord(files) }));
console.log(`rendered ${files.map((f) => f.path).join(', ')} into apps/gateway`);
