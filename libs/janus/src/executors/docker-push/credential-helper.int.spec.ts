import { logger } from '@nx/devkit';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertEngineRunning } from '../../engine/docker-client';
import { RegistryClient } from '../../registry/registry-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { TestRegistry } from '../../../../janus-testing/src/test-registry';
import dockerBuildExecutor from '../docker-build/executor';
import dockerPushExecutor from './executor';
import type { BuildRecord } from '../../image/build-record';

const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/contract/runtime-agent');

// A registry with htpasswd auth and a Docker config that sends its host to a credential helper: a real
// `docker-credential-janustest` on PATH, speaking the helper protocol, which logs every time it is asked.
describe('registry credentials from a docker credential helper, against a registry with auth', () => {
  const auth = { username: 'janus', password: `pw-${randomBytes(4).toString('hex')}` };
  const registry = new TestRegistry({ auth });
  const ws = mkdtempSync(join(tmpdir(), 'janus-cred-helper-'));
  const dockerConfig = join(ws, 'docker-config');
  const bin = join(ws, 'bin');
  const asked = join(ws, 'asked.log');
  const image = `janus-test/helper-${randomBytes(3).toString('hex')}`;
  const ctx = executorContext(ws, 'agent', 'apps/agent');
  const env = process.env;
  let errors: string[] = [];

  /** The helper answers with this password, or fails with `failWith` on stderr. */
  const helper = (password: string, failWith?: string) => {
    const body = failWith
      ? `echo "${failWith}" >&2; exit 1`
      : `echo "{\\"ServerURL\\":\\"$host\\",\\"Username\\":\\"${auth.username}\\",\\"Secret\\":\\"${password}\\"}"`;
    writeFileSync(join(bin, 'docker-credential-janustest'), `#!/bin/sh\nread host\necho "$1 $host" >> ${asked}\n${body}\n`);
    chmodSync(join(bin, 'docker-credential-janustest'), 0o755);
  };
  const build = () =>
    dockerBuildExecutor(
      { image, registry: registry.host, platforms: 'linux/amd64', push: true, deriveTags: false, tags: ['v1'], lint: false, outputPath: 'dist/docker/agent' },
      ctx,
    );

  beforeAll(async () => {
    await assertEngineRunning();
    await registry.start();
    mkdirSync(bin);
    mkdirSync(dockerConfig);
    cpSync(FIXTURE, join(ws, 'apps/agent'), { recursive: true });
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ credHelpers: { [registry.host]: 'janustest' } }));
  });
  beforeEach(() => {
    errors = [];
    rmSync(asked, { force: true });
    process.env = { ...env, DOCKER_CONFIG: dockerConfig, PATH: `${bin}:${env.PATH}`, JANUS_REGISTRY_USER: '' };
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = env;
  });
  afterAll(async () => {
    await removeImages(`${registry.host}/${image}`);
    await registry.stop();
    rmSync(ws, { recursive: true, force: true });
  });

  it('found: the helper is asked for the registry host, and the build stages and publishes with its answer', async () => {
    helper(auth.password);
    expect((await build()).success).toBe(true);
    // Asked for this registry only; the docker CLI asks too, for the layer cache it imports (--cache-from).
    const asks = readFileSync(asked, 'utf8').trim().split('\n');
    expect(asks.length).toBeGreaterThan(0);
    expect(new Set(asks)).toEqual(new Set([`get ${registry.host}`]));
    const client = RegistryClient.forHost(registry.host, { credentials: auth });
    // The build published (push: true): its own record has the list's digest.
    const record = JSON.parse(readFileSync(join(ws, 'dist/docker/agent/metadata.json'), 'utf8')) as BuildRecord;
    expect((await client.getManifest(image, 'v1')).digest).toBe(record.indexDigest);
    // docker-push from the registry uses the same helper.
    expect((await dockerPushExecutor({ requireContract: false }, ctx)).success).toBe(true);
  });

  it('refused: a wrong secret fails once, naming the helper, with no retry and no second question to the helper', async () => {
    helper('wrong');
    expect((await build()).success).toBe(false);
    expect(errors.join('\n')).toMatch(
      /→ 401: .*UNAUTHORIZED.*\(the registry refused the credentials from docker-credential-janustest; not retried\. Fix: correct or renew them/,
    );
    expect(readFileSync(asked, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('missing: a helper the config names but PATH lacks is named', async () => {
    process.env.PATH = env.PATH;
    expect((await build()).success).toBe(false);
    expect(errors.join('\n')).toMatch(/names the credential helper 'janustest' for localhost:\d+, but docker-credential-janustest is not on PATH/);
  });

  it('failing: a helper that fails is named with its own words', async () => {
    helper('', 'the keychain is locked');
    expect((await build()).success).toBe(false);
    expect(errors.join('\n')).toMatch(/credential helper docker-credential-janustest failed for localhost:\d+ \(exit 1: the keychain is locked\)/);
  });
});
