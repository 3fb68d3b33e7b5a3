import { z } from 'zod';
import { imageReference, nonRootUid, port } from '../schema/common-fields';
import { envEntry } from './baseline-context';
import { SLIM_TOOLS } from './slim-tools';

/**
 * What janus.json records of a Node service (`"template": "node-service"`): enough for `nx sync` to render its
 * Dockerfile's managed regions again. The service's own code is hand-written; only the image conventions are
 * the templates'.
 */
export const nodeServiceRecordOptions = z
  .object({
    port,
    baseImage: imageReference,
    uid: nonRootUid,
    entry: z
      .string()
      .regex(/^[A-Za-z0-9_./-]+\.c?js$/, { error: 'must be the compiled entry point, a relative .js path such as dist/main.js' })
      .default('dist/main.js'),
    env: z.array(envEntry).default([]),
  })
  .loose();
export type NodeServiceRecordOptions = z.output<typeof nodeServiceRecordOptions>;

export function nodeServiceContext(name: string, o: NodeServiceRecordOptions) {
  const title = name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
  return {
    name,
    title,
    port: o.port,
    uid: o.uid,
    user: 'app',
    home: '/app',
    writableDirs: [] as string[],
    linkedBy: '/build/node_modules',
    slimTools: SLIM_TOOLS,
    baseImage: o.baseImage,
    entry: o.entry,
    healthcheck: { interval: '10s', timeout: '5s', startPeriod: '10s', retries: 3, path: '/health' },
    env: [
      { key: 'NODE_ENV', value: 'production' },
      { key: 'HOST', value: '0.0.0.0' },
      { key: 'PORT', value: String(o.port) },
      ...o.env.filter((e) => !['NODE_ENV', 'HOST', 'PORT'].includes(e.key)),
    ],
  };
}
