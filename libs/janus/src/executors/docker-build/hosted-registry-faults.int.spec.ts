import { logger } from '@nx/devkit';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { HostedRegistry, type HostedRegistryOptions } from '../../../../janus-testing/src/hosted-registry';
import dockerBuildExecutor from './executor';

const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/build-probe');

// The ways a hosted registry turns a build away, each on a real registry served as they are (HTTPS with a
// private CA, Basic or token auth, a nested path): the build fails before building, with one line naming the
// registry, the cause and the fix, and nothing is tagged in the engine or written to the registry.
describe('janus:docker-build against a hosted-style registry that refuses it', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-hosted-faults-'));
  const registries: HostedRegistry[] = [];
  const env = process.env;
  let errors: string[] = [];
  let infos: string[] = [];

  const start = async (options: HostedRegistryOptions) => {
    const hosted = new HostedRegistry(options);
    registries.push(hosted);
    return hosted.start();
  };
  /** Builds org/team/probe (or `image`) for the registry with these credentials; answers the one error line. */
  const refusedBuild = async (hosted: HostedRegistry, password: string, image = 'org/team/probe') => {
    process.env = { ...env, JANUS_REGISTRY_USER: hosted.username, JANUS_REGISTRY_PASSWORD: password };
    const result = await dockerBuildExecutor(
      {
        image,
        registry: hosted.host,
        platforms: 'linux/amd64',
        keepImagesIn: 'registry',
        deriveTags: false,
        tags: ['v1'],
        secrets: ['id=probe-secret,env=HOME'],
        lint: false,
      },
      executorContext(ws, 'probe', 'apps/probe'),
    );
    expect(result.success).toBe(false);
    // Failed before building: no BuildKit line, no image tagged for the registry, nothing in its storage.
    expect(infos.filter((l) => / building /.test(l))).toEqual([]);
    expect(await dockerClient().listImages({ filters: { reference: [`${hosted.host}/${image}`] } })).toEqual([]);
    const repositories = join(hosted.registry!.data, 'docker/registry/v2/repositories');
    expect(existsSync(repositories) ? readdirSync(repositories) : []).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).not.toMatch(/\n/);
    return errors[0];
  };

  beforeAll(async () => {
    await assertEngineRunning();
    cpSync(FIXTURE, join(ws, 'apps/probe'), { recursive: true });
  });
  beforeEach(() => {
    errors = [];
    infos = [];
    jest.spyOn(logger, 'info').mockImplementation((m: unknown) => void infos.push(String(m)));
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = env;
  });
  afterAll(async () => {
    for (const r of registries) await r.stop();
    rmSync(ws, { recursive: true, force: true });
  });

  it('a certificate nothing here trusts (no CA in certs.d): names the registry, that it serves HTTPS, and where its CA goes', async () => {
    const hosted = await start({ auth: 'basic', trustInEngine: false });
    expect(await refusedBuild(hosted, hosted.password)).toMatch(
      new RegExp(
        `^registry ${hosted.host}: it serves HTTPS, .*\\. Fix: put the CA certificate that signed it in /etc/docker/certs\\.d/${hosted.host}/ca\\.crt `,
      ),
    );
  });

  it('a CA in certs.d that did not sign its certificate: names the registry, the TLS failure, the file tried and the fix', async () => {
    const hosted = await start({ auth: 'basic', wrongCa: true });
    expect(await refusedBuild(hosted, hosted.password)).toMatch(
      new RegExp(
        `^registry ${hosted.host}: its TLS certificate is not trusted \\(.*certificate.*; the CA in /etc/docker/certs\\.d/${hosted.host}/ca\\.crt did not sign it\\)\\. Fix: put the CA certificate that signed it in`,
      ),
    );
  });

  it('a wrong password (Basic): names the registry, the refusal, where the credentials came from and how to renew them', async () => {
    const hosted = await start({ auth: 'basic' });
    expect(await refusedBuild(hosted, 'wrong')).toMatch(
      new RegExp(
        `^registry: GET https://${hosted.host}/v2/ → 401: UNAUTHORIZED: authentication required \\(the registry refused the credentials from JANUS_REGISTRY_USER; not retried\\. Fix: correct or renew them \\(docker login ${hosted.host}`,
      ),
    );
  });

  describe('token auth', () => {
    let hosted: HostedRegistry;
    beforeAll(async () => {
      hosted = await start({ auth: 'token', grant: (_user, repository, actions) => (repository.startsWith('org/team/') ? actions : []) });
    }, 30_000);
    afterEach(() => void (hosted.tokens!.expired = false));

    it('a wrong password: the token service refuses it, named with the registry it serves and the fix', async () => {
      expect(await refusedBuild(hosted, 'wrong')).toMatch(
        new RegExp(
          `^registry: GET ${hosted.tokens!.realm}\\?service=janus-test-registry → 401: UNAUTHORIZED: invalid username or password \\(the token service of ${hosted.host} refused the credentials from JANUS_REGISTRY_USER; not retried\\. Fix: correct or renew them`,
        ),
      );
    });

    it('expired tokens (a token service with a wrong clock): the registry rejects a fresh token, named as such, with the fix', async () => {
      hosted.tokens!.expired = true;
      expect(await refusedBuild(hosted, hosted.password)).toMatch(
        new RegExp(
          `^registry: GET https://${hosted.host}/v2/ → 401: UNAUTHORIZED: authentication required \\(the registry rejected a token just issued by ${hosted.tokens!.realm} as invalid or expired; not retried\\. Fix: check this machine's clock`,
        ),
      );
    });

    it('a repository path the token service grants nothing on: names the path, the access and the fix, before building', async () => {
      expect(await refusedBuild(hosted, hosted.password, 'other-org/team/probe')).toMatch(
        new RegExp(
          `^registry: POST https://${hosted.host}/v2/other-org/team/probe/blobs/uploads/ → 401: UNAUTHORIZED: authentication required \\(the credentials from JANUS_REGISTRY_USER may not pull,push repository other-org/team/probe on ${hosted.host}; not retried\\. Fix: grant that account pull,push on other-org/team/probe`,
        ),
      );
    });
  });
});
