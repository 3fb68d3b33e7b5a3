import { logger } from '@nx/devkit';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import dockerBuildExecutor from './executor';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { RegistryClient } from '../../registry/registry-client';
import { AuthRegistry } from '../../../../janus-testing/src/auth-registry';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { imageEntries } from '../../../../janus-testing/src/index-entries';

const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/build-probe');

// A registry that challenges: without credentials the build stops before building with the registry's own
// status and words; with JANUS_REGISTRY_USER/PASSWORD it answers the challenge and publishes the list.
describe('janus:docker-build against a registry with auth', () => {
  const registry = new AuthRegistry(5055);
  const ws = mkdtempSync(join(tmpdir(), 'janus-build-auth-'));
  const image = `janus-test/auth-${randomBytes(3).toString('hex')}`;
  const env = process.env;
  let errors: string[] = [];
  const run = () =>
    dockerBuildExecutor(
      {
        image,
        registry: registry.host,
        platforms: 'linux/amd64',
        push: true,
        deriveTags: false,
        tags: ['v1'],
        secrets: ['id=probe-secret,src=secret.txt'],
        lint: false,
      },
      executorContext(ws, 'probe', 'apps/probe'),
    );

  beforeAll(async () => {
    await assertEngineRunning();
    await registry.start();
    cpSync(FIXTURE, join(ws, 'apps/probe'), { recursive: true });
    writeFileSync(join(ws, 'secret.txt'), 'x-secret-x');
  });
  beforeEach(() => {
    errors = [];
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = env;
  });
  afterAll(async () => {
    const docker = dockerClient();
    for (const img of await docker.listImages({ filters: { reference: [`${registry.host}/${image}`] } }))
      await docker
        .getImage(img.Id)
        .remove({ force: true })
        .catch(() => undefined);
    await registry.stop();
    rmSync(ws, { recursive: true, force: true });
  });

  it('without credentials: fails before building, with the status and body', async () => {
    expect((await run()).success).toBe(false);
    expect(errors.join('\n')).toMatch(/registry: GET http:\/\/localhost:5055\/v2\/ → 401: .*UNAUTHORIZED/);
  });

  it('with wrong credentials: fails with the refusal', async () => {
    process.env = { ...env, JANUS_REGISTRY_USER: 'janus', JANUS_REGISTRY_PASSWORD: 'wrong' };
    expect((await run()).success).toBe(false);
    expect(errors.join('\n')).toMatch(/→ 401/);
  });

  it('with credentials: answers the challenge, pushes and publishes the list', async () => {
    process.env = { ...env, JANUS_REGISTRY_USER: registry.username, JANUS_REGISTRY_PASSWORD: registry.password };
    expect((await run()).success).toBe(true);
    const client = RegistryClient.forHost(registry.host, { credentials: { username: registry.username, password: registry.password } });
    const list = await client.getManifest(image, 'v1');
    expect((imageEntries(list.json.manifests) as Array<{ platform: { architecture: string } }>).map((m) => m.platform.architecture)).toEqual(['amd64']);
  });
});
