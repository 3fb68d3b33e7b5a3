import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempWorkspace } from './temp-workspace';

const FIXTURE = join(__dirname, 'fixtures/contract/runtime-agent');

/**
 * The runtime-agent fixture as `apps/agent` of a workspace, with a COPY of a random id so its image is this
 * run's own (no other spec's build or cache can hold the same digest).
 */
export function addRuntimeAgentProject(ws: TempWorkspace): void {
  mkdirSync(ws.path('apps'), { recursive: true });
  cpSync(FIXTURE, ws.path('apps/agent'), { recursive: true });
  writeFileSync(ws.path('apps/agent/id'), randomBytes(8).toString('hex'));
  writeFileSync(ws.path('apps/agent/Dockerfile'), readFileSync(ws.path('apps/agent/Dockerfile'), 'utf8') + 'COPY id /opt/id\n');
}
