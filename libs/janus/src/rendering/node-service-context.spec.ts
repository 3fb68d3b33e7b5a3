import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintDockerfile } from '../executors/dockerfile-lint/lib/lint-dockerfile';
import { renderRecordSchema } from './janus-json';
import { renderProject } from './render-record';

const GATEWAY = join(__dirname, '../../../../apps/gateway');
const render = (options: Record<string, unknown>) => renderProject('svc', { template: 'node-service', options });

describe('node-service template set', () => {
  it.each([8000, 3000])('renders a Dockerfile on port %d that passes every lint rule, its conventions as managed regions', (port) => {
    const files = render({ port, baseImage: 'node:20-slim', uid: 1000 });
    const dockerfile = files.find((f) => f.path === 'Dockerfile')!;
    const dockerignore = files.find((f) => f.path === '.dockerignore')!;
    expect(lintDockerfile({ dockerfile: dockerfile.content, dockerignore: dockerignore.content, port })).toEqual([]);
    expect(dockerfile.regions.map((r) => r.partial)).toEqual([
      'node-builder-stage',
      'node-prune-files',
      'node-rootfs-step',
      'node-runtime-stage',
      'env-block',
      'node-healthcheck',
    ]);
    expect(dockerfile.content).toContain(`ENV NODE_ENV=production \\\n    HOST=0.0.0.0 \\\n    PORT=${port}`);
    expect(dockerfile.content).toContain('CMD ["node", "dist/main.js"]');
  });

  it('refuses a record with a bad entry point or a secret value in its env, naming the field', () => {
    const bad = renderRecordSchema.safeParse({
      template: 'node-service',
      options: { port: 8000, baseImage: 'node:20-slim', uid: 1000, entry: '../main.ts', env: [{ key: 'SANDY_API_KEY', value: 'x' }] },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['options.entry', 'options.env.0']));
  });

  it('is what apps/gateway checked in (re-render: node -r @swc-node/register tools/gateway/render-gateway-image.ts)', () => {
    const record = renderRecordSchema.parse(JSON.parse(readFileSync(join(GATEWAY, 'janus.json'), 'utf8')));
    for (const f of renderProject('gateway', record).filter((f) => f.path === 'Dockerfile' || f.path === '.dockerignore')) {
      expect(readFileSync(join(GATEWAY, f.path), 'utf8')).toBe(f.content);
    }
  });
});
