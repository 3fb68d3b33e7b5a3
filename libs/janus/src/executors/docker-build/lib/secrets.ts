import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export interface BuildSecret {
  id: string;
  /** The spec handed to BuildKit, with a resolved absolute path. */
  spec: string;
  /** The secret's value, kept only to prove later that it appears nowhere in the image. */
  value: string;
}

/**
 * Resolves `id=…,src=…` / `id=…,env=…` specs, failing before any build starts when a source is missing,
 * since BuildKit would otherwise fail mid-build with a less helpful message.
 */
export function resolveSecrets(specs: string[], workspaceRoot: string, env = process.env): BuildSecret[] {
  return specs.map((spec) => {
    const fields = Object.fromEntries(spec.split(',').map((kv) => kv.split('=', 2) as [string, string]));
    const id = fields.id;
    const src = fields.src ?? fields.source;
    if (src !== undefined) {
      const path = isAbsolute(src) ? src : join(workspaceRoot, src);
      if (!existsSync(path)) throw new Error(`'secrets' = ${JSON.stringify(spec)}: the source file ${path} does not exist`);
      return { id, spec: `id=${id},src=${path}`, value: readFileSync(path, 'utf8') };
    }
    const name = fields.env;
    if (env[name] === undefined) throw new Error(`'secrets' = ${JSON.stringify(spec)}: the environment variable ${name} is not set`);
    return { id, spec: `id=${id},env=${name}`, value: env[name]! };
  });
}
