import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBuildRecord } from '../../image/build-record';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { logger } from '../../workspace/nx-logger';
import dockerPushExecutor from './executor';

// A workspace without a registry builds `app:<tag>` into the engine; pushing that would mean Docker Hub.
describe('docker-push of an image built without a registry', () => {
  let ws: string;
  beforeEach(() => (ws = mkdtempSync(join(tmpdir(), 'janus-push-'))));
  afterEach(() => {
    rmSync(ws, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  it('refuses before touching any registry, naming the target and how to set the workspace registry', async () => {
    const file = writeBuildRecord(join(ws, 'dist/docker/app'), {
      project: 'app',
      image: 'app',
      tags: ['sha-abc1234'],
      pushed: false,
      keepImagesIn: 'engine',
      platforms: [{ platform: 'linux/amd64', ref: 'app:sha-abc1234-amd64', imageId: `sha256:${'a'.repeat(64)}`, size: 1, buildSeconds: 1 }],
      buildArgs: {},
      labels: {},
      secrets: [],
      engine: 'docker',
      git: { sha: 'abc1234' },
    });
    const errors: string[] = [];
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    const result = await dockerPushExecutor(
      { metadata: file, requireContract: false },
      { ...executorContext(ws, 'app', 'apps/app'), targetName: 'docker-push' },
    );
    expect(result.success).toBe(false);
    expect(errors.join('\n')).toMatch(
      /names the image "app" with no registry, so there is nowhere to push it \(app:docker-push\); set "registry" in the janus plugin options in nx\.json \(nx g janus:init --registry=<host\[:port\]>/,
    );
  });
});
