import { logger } from '@nx/devkit';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readContractReport } from '../../contract/report';
import { assertEngineRunning } from '../../engine/docker-client';
import { ensureImage, inspectImage } from '../../engine/image-store';
import type { BuildRecord } from '../../image/build-record';
import { RegistryClient } from '../../registry/registry-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { HostedRegistry, type HostedRegistryOptions } from '../../../../janus-testing/src/hosted-registry';
import { removeImages } from '../../../../janus-testing/src/test-images';
import contractTestExecutor from '../contract-test/executor';
import dockerBuildExecutor from '../docker-build/executor';
import dockerPushExecutor from './executor';
import { readPublishRecord } from '../../image/publish-record';
import { imageEntries } from '../../../../janus-testing/src/index-entries';

const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/contract/runtime-agent');

interface Kind {
  name: string;
  registry: HostedRegistryOptions;
  /** How the credentials reach janus: a docker credential helper named in credHelpers, or JANUS_REGISTRY_*. */
  credentials: 'credHelpers' | 'env';
}

// The whole path on registries served as the hosted ones are, on a nested repository path (org/team/name):
// HTTPS with a private CA the engine and janus both read from certs.d, with Basic auth (ECR, Artifactory) and
// with a Bearer token service (GHCR, Harbor). Build → stage by digest → contract-test pulling that digest on an
// engine without the image → docker-push's manifest list → the engine pulling the list by digest.
describe.each<Kind>([
  { name: 'TLS + Basic auth, credentials from a docker credential helper', registry: { auth: 'basic' }, credentials: 'credHelpers' },
  {
    name: 'TLS + Bearer token service, credentials from JANUS_REGISTRY_USER',
    registry: { auth: 'token', grant: (_user, repository, actions) => (repository.startsWith('org/team/') ? actions : []) },
    credentials: 'env',
  },
])('hosted-style registry: $name', ({ registry: options, credentials }) => {
  const hosted = new HostedRegistry(options);
  const ws = mkdtempSync(join(tmpdir(), 'janus-hosted-'));
  const image = `org/team/agent-${randomBytes(3).toString('hex')}`;
  const ctx = executorContext(ws, 'agent', 'apps/agent');
  const record = () => JSON.parse(readFileSync(join(ws, 'dist/docker/agent/metadata.json'), 'utf8')) as BuildRecord;
  const repo = () => `${hosted.host}/${image}`;
  const client = () => RegistryClient.forHost(hosted.host, { credentials: { username: hosted.username, password: hosted.password } });
  const auth = () => ({ username: hosted.username, password: hosted.password, serveraddress: hosted.host });
  const env = process.env;
  let errors: string[] = [];

  beforeAll(async () => {
    await assertEngineRunning();
    await hosted.start();
    cpSync(FIXTURE, join(ws, 'apps/agent'), { recursive: true });
    if (credentials === 'credHelpers') {
      const bin = join(ws, 'bin');
      mkdirSync(bin);
      mkdirSync(join(ws, 'docker-config'));
      writeFileSync(join(ws, 'docker-config/config.json'), JSON.stringify({ credHelpers: { [hosted.host]: 'janustest' } }));
      const answer = JSON.stringify({ ServerURL: hosted.host, Username: hosted.username, Secret: hosted.password });
      writeFileSync(join(bin, 'docker-credential-janustest'), `#!/bin/sh\nread host\necho '${answer}'\n`);
      chmodSync(join(bin, 'docker-credential-janustest'), 0o755);
    }
  }, 30_000);
  beforeEach(() => {
    errors = [];
    process.env =
      credentials === 'credHelpers'
        ? { ...env, DOCKER_CONFIG: join(ws, 'docker-config'), PATH: `${join(ws, 'bin')}:${env.PATH}`, JANUS_REGISTRY_USER: '' }
        : { ...env, JANUS_REGISTRY_USER: hosted.username, JANUS_REGISTRY_PASSWORD: hosted.password };
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = env;
  });
  afterAll(async () => {
    await removeImages(repo()).catch(() => undefined);
    await hosted.stop();
    rmSync(ws, { recursive: true, force: true });
  });

  it('docker-build stages the platform image by digest on the nested path', async () => {
    const result = await dockerBuildExecutor(
      { image, registry: hosted.host, platforms: 'linux/amd64', keepImagesIn: 'registry', deriveTags: false, tags: ['v1'], lint: false },
      ctx,
    );
    expect(errors).toEqual([]);
    expect(result.success).toBe(true);
    const r = record();
    expect(r).toMatchObject({ keepImagesIn: 'registry', registry: hosted.host, repository: image });
    for (const p of r.platforms) expect((await client().headManifest(image, p.stagingTag!))?.digest).toBe(p.digest);
    expect(await client().headManifest(image, 'v1')).toBeNull();
  });

  it('contract-test pulls the staged digest into an engine that no longer has the image', async () => {
    await removeImages(repo());
    expect((await contractTestExecutor({ kind: 'runtime', env: { OPENAI_API_KEY: 'sk-test' } }, ctx)).success).toBe(true);
    const amd64 = record().platforms.find((p) => p.platform === 'linux/amd64')!;
    expect(readContractReport(join(ws, 'dist/contract/agent'))).toMatchObject({ ok: true, digest: amd64.digest });
  });

  it('docker-push publishes the manifest list, and the engine pulls it by digest', async () => {
    expect((await dockerPushExecutor({}, ctx)).success).toBe(true);
    const r = readPublishRecord(join(ws, 'dist/docker-push/agent/publish.json'))!;
    const list = await client().getManifest(image, 'v1');
    expect(list.digest).toBe(r.indexDigest);
    const entries = imageEntries(list.json.manifests) as Array<{ digest: string; platform: { architecture: string } }>;
    expect(entries.map((m) => [m.platform.architecture, m.digest])).toEqual(r.platforms.map((p) => [p.platform.split('/')[1], p.digest]));

    await removeImages(repo());
    const pulled = await ensureImage(`${repo()}@${r.indexDigest}`, undefined, auth());
    expect(pulled.Architecture).toBe('amd64');
    expect((await inspectImage(`${repo()}@${r.indexDigest}`))?.Id).toBe(pulled.Id);
    if (hosted.tokens) {
      // Every token asked for (by janus and by the engine) was for this repository, or the unscoped login.
      const scopes = new Set(hosted.tokens.requests.flatMap((q) => q.scopes).map((s) => s.replace(/:[a-z,*]+$/, '')));
      expect([...scopes]).toEqual([`repository:${image}`]);
    }
  });
});
