import { HostedRegistry } from '../../../janus-testing/src/hosted-registry';
import { RegistryClient } from './registry-client';
import { registryTrust } from './registry-trust';

// The registry client against real distribution registries served as the hosted ones are: HTTPS with a
// private CA it learns from the engine's certs.d, Basic auth, and a Bearer token service (a small one in the
// test: RS256 JWTs, scopes per repository, a chosen lifetime), on a nested repository path.
describe('RegistryClient against hosted-style registries (TLS with a private CA, Basic and Bearer token auth)', () => {
  const repo = 'org/team/agent';

  describe('TLS + Basic', () => {
    const hosted = new HostedRegistry({ auth: 'basic' });
    beforeAll(() => hosted.start(), 30_000);
    afterAll(() => hosted.stop());

    it('speaks HTTPS to a loopback registry the engine has a CA for, trusting that CA, and may push to a nested path', async () => {
      expect(registryTrust(hosted.host).caFiles).toEqual([`/etc/docker/certs.d/${hosted.host}/ca.crt`]);
      const client = RegistryClient.forHost(hosted.host, { credentials: { username: hosted.username, password: hosted.password } });
      expect(client.baseUrl).toBe(`https://${hosted.host}`);
      await client.ping();
      await client.checkPushAccess(repo);
      expect(await client.listTags(repo)).toEqual([]);
    });
  });

  describe('TLS + Bearer token', () => {
    const hosted = new HostedRegistry({ auth: 'token', grant: (_user, repository, actions) => (repository.startsWith('org/team/') ? actions : []) });
    const client = () => RegistryClient.forHost(hosted.host, { credentials: { username: hosted.username, password: hosted.password }, retries: 0 });
    beforeAll(() => hosted.start(), 30_000);
    beforeEach(() => {
      hosted.tokens!.requests.length = 0;
      hosted.tokens!.lifetimeS = 300;
      hosted.tokens!.reportedExpiresInS = undefined;
    });
    afterAll(() => hosted.stop());

    it('follows the Bearer realm with Basic credentials: an unscoped token for /v2/, then one per repository and access', async () => {
      const c = client();
      await c.ping();
      await c.checkPushAccess(`${repo}-a`);
      await c.checkPushAccess(`${repo}-b`);
      await c.listTags(`${repo}-a`);
      expect(hosted.tokens!.requests.map((r) => [r.user, r.scopes.join(' ')])).toEqual([
        ['janus', ''],
        ['janus', `repository:${repo}-a:pull,push`],
        ['janus', `repository:${repo}-b:pull,push`],
        ['janus', `repository:${repo}-a:pull`],
      ]);
    });

    it('a token the registry stops accepting (its expires_in said longer) is replaced once, and the request goes through', async () => {
      hosted.tokens!.lifetimeS = 2;
      hosted.tokens!.reportedExpiresInS = 300;
      const c = client();
      await c.listTags(repo);
      await new Promise((r) => setTimeout(r, 3_000));
      await c.listTags(repo);
      expect(hosted.tokens!.requests.map((r) => r.scopes.join(' '))).toEqual([`repository:${repo}:pull`, `repository:${repo}:pull`]);
    });

    it('a token is asked for anew when its expires_in runs out, before the registry has to refuse it', async () => {
      hosted.tokens!.reportedExpiresInS = 1;
      const c = client();
      await c.listTags(repo);
      await c.listTags(repo);
      expect(hosted.tokens!.requests).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1_100));
      await c.listTags(repo);
      expect(hosted.tokens!.requests).toHaveLength(2);
    });
  });
});
