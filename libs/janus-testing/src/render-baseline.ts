import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { baselineContext } from '../../janus/src/rendering/baseline-context';
import { renderTemplateSet } from '../../janus/src/rendering/template-renderer';
import type { Flavor } from '../../janus/src/schema/common-fields';

/** Writes a baseline project's rendered files into `dir`, as the generator would, without a workspace. */
export function renderBaselineTo(dir: string, flavor: Flavor, name = 'probe'): void {
  const ctx = baselineContext({ name, flavor, port: 8080, uid: 1000, baseImage: 'python:3.11-slim' });
  for (const f of renderTemplateSet('baseline', ctx, flavor)) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
}
