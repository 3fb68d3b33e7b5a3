import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryCredentials } from './credentials';

// A real helper process speaking docker's credential-helper protocol: the server URL on stdin, JSON on stdout.
describe('registry credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-creds-'));
  const bin = join(dir, 'bin');
  const env = (config: object, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return { PATH: `${bin}:${process.env.PATH}`, DOCKER_CONFIG: dir, ...extra };
  };
  const helper = (name: string, script: string) => {
    writeFileSync(join(bin, `docker-credential-${name}`), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, `docker-credential-${name}`), 0o755);
  };

  beforeAll(() => {
    mkdirSync(bin);
    helper(
      'janustest',
      'read host; [ "$1" = get ] || exit 3; [ "$host" = "reg.example:5000" ] || { echo "credentials not found in native keychain"; exit 1; }; echo "{\\"ServerURL\\":\\"$host\\",\\"Username\\":\\"helper-user\\",\\"Secret\\":\\"s3cret\\"}"',
    );
    helper('broken', 'echo "keychain locked" >&2; exit 2');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes JANUS_REGISTRY_USER/PASSWORD first', async () => {
    const found = await registryCredentials('reg.example:5000', env({ credsStore: 'broken' }, { JANUS_REGISTRY_USER: 'ci', JANUS_REGISTRY_PASSWORD: 'pw' }));
    expect(found).toMatchObject({ username: 'ci', password: 'pw', source: 'JANUS_REGISTRY_USER' });
  });

  it('asks the credHelpers entry for the registry through the helper protocol', async () => {
    const found = await registryCredentials('reg.example:5000', env({ credHelpers: { 'reg.example:5000': 'janustest' } }));
    expect(found).toMatchObject({ username: 'helper-user', password: 's3cret', serveraddress: 'reg.example:5000', source: 'docker-credential-janustest' });
  });

  it('takes "credentials not found" from a helper as anonymous', async () => {
    expect(await registryCredentials('other.example', env({ credsStore: 'janustest' }))).toBeUndefined();
  });

  it('names a helper that is not on PATH, and one that fails, with its own words', async () => {
    await expect(registryCredentials('reg.example:5000', env({ credHelpers: { 'reg.example:5000': 'missing' } }))).rejects.toThrow(
      /names the credential helper 'missing' for reg.example:5000, but docker-credential-missing is not on PATH/,
    );
    await expect(registryCredentials('reg.example:5000', env({ credsStore: 'broken' }))).rejects.toThrow(
      /credential helper docker-credential-broken failed for reg.example:5000 \(exit 2: keychain locked\)/,
    );
  });

  it('reads base64 auths entries, and nothing at all means anonymous', async () => {
    const auth = Buffer.from('alice:pa:ss').toString('base64');
    expect(await registryCredentials('reg.example:5000', env({ auths: { 'reg.example:5000': { auth } } }))).toMatchObject({
      username: 'alice',
      password: 'pa:ss',
    });
    expect(await registryCredentials('reg.example:5000', env({}))).toBeUndefined();
  });
});
