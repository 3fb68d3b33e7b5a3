import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuilderEndpoint, type BuilderEngine, builderEngine, configuredBuilders, connectBuilders, parseBuilders } from './builder-endpoints';
import type { EngineApi } from './engine-api';
import { TestCa } from '../../../janus-testing/src/test-ca';

function fakeEngine(endpoint: string, answer: { OSType?: string; Architecture?: string; Name?: string } | Error): BuilderEngine {
  const api = {
    ping: () => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve()),
    info: () => Promise.resolve(answer),
  } as unknown as EngineApi;
  return { endpoint, local: false, emulated: false, door: undefined as never, api, docker: () => undefined as never, cliEnv: {} };
}

describe('builder endpoints', () => {
  const certs = mkdtempSync(join(tmpdir(), 'janus-builder-certs-'));
  beforeAll(() => ['ca.pem', 'cert.pem', 'key.pem'].forEach((f) => writeFileSync(join(certs, f), 'x')));
  afterAll(() => rmSync(certs, { recursive: true, force: true }));

  it('reads JANUS_BUILDERS over the plugin option, in both spellings', () => {
    const env = { JANUS_BUILDERS: `linux/arm64=ssh://ci@arm-host, linux/amd64=tcp://x86:2376?certs=${certs}` };
    const { builders, problems } = configuredBuilders({ 'linux/arm64': 'unix:///ignored.sock' }, env);
    expect(problems).toEqual([]);
    expect(builders.get('linux/arm64')).toEqual({ platform: 'linux/arm64', endpoint: 'ssh://ci@arm-host', scheme: 'ssh', emulated: false });
    expect(builders.get('linux/amd64')).toMatchObject({ endpoint: 'tcp://x86:2376', scheme: 'tcp', certPath: certs });
    const option = configuredBuilders({ 'linux/arm64': 'unix:///var/run/b.sock?emulated=true' }, {});
    expect(option.builders.get('linux/arm64')).toMatchObject({ endpoint: 'unix:///var/run/b.sock', emulated: true });
  });

  it('names the setting, the entry and what is allowed for each bad entry', () => {
    const { problems } = parseBuilders(
      'linux/arm65=ssh://h,linux/arm64=http://h,linux/amd64=tcp://h:2376?certs=/nowhere,linux/s390x=unix:///s.sock?fast=1,linux/ppc64le=ssh://a,linux/ppc64le=ssh://b',
      'JANUS_BUILDERS',
      {},
    );
    expect(problems).toEqual([
      expect.stringMatching(/^JANUS_BUILDERS: "linux\/arm65=ssh:\/\/h": the platform must be one of linux\/amd64, linux\/arm64/),
      expect.stringMatching(/"linux\/arm64=http:\/\/h": the endpoint must be unix:\/\/\/path\/to\/docker.sock, tcp:\/\/host:port \(TLS\) or ssh:\/\/user@host/),
      expect.stringMatching(
        /"linux\/amd64=tcp:\/\/h:2376\?certs=\/nowhere": TLS client certificates are needed for tcp:\/\/ and \/nowhere lacks ca.pem, cert.pem, key.pem/,
      ),
      expect.stringMatching(/unknown option "fast"/),
      expect.stringMatching(/"linux\/ppc64le=ssh:\/\/b": linux\/ppc64le is given a builder twice/),
    ]);
  });

  const b = (platform: string, endpoint: string, emulated = false): BuilderEndpoint => ({ platform, endpoint, scheme: 'unix', emulated });

  it('refuses, before any build, an unreachable engine, one of another architecture and one of another OS, naming platform and endpoint', async () => {
    const builders = new Map([
      ['linux/arm64', b('linux/arm64', 'unix:///gone.sock')],
      ['linux/amd64', b('linux/amd64', 'unix:///arm.sock')],
      ['linux/s390x', b('linux/s390x', 'unix:///win.sock')],
    ]);
    const engines: Record<string, BuilderEngine> = {
      'unix:///gone.sock': fakeEngine('unix:///gone.sock', Object.assign(new Error('connect ENOENT /gone.sock'), { code: 'ENOENT' })),
      'unix:///arm.sock': fakeEngine('unix:///arm.sock', { OSType: 'linux', Architecture: 'aarch64' }),
      'unix:///win.sock': fakeEngine('unix:///win.sock', { OSType: 'windows', Architecture: 'x86_64' }),
    };
    await expect(connectBuilders(['linux/amd64', 'linux/arm64', 'linux/s390x'], builders, (e) => engines[e.endpoint])).rejects.toThrow(
      [
        'janus:docker-build: builder for linux/amd64 (unix:///arm.sock) is a linux/arm64 engine, not linux/amd64; assign it linux/arm64, or add ?emulated=true to build linux/amd64 there under emulation',
        'builder for linux/arm64 (unix:///gone.sock) is not reachable (connect ENOENT /gone.sock)',
        'builder for linux/s390x (unix:///win.sock) runs windows/amd64 engines and lacks linux/s390x; assign it a windows platform',
        'no platform was built',
      ].join('\n'),
    );
  });

  it('accepts a native engine, an emulating one that says so, and leaves unassigned platforms to the local engine', async () => {
    const arm = fakeEngine('unix:///arm.sock', { OSType: 'linux', Architecture: 'aarch64', Name: 'arm-host' });
    const local = fakeEngine('unix:///var/run/docker.sock', { OSType: 'linux', Architecture: 'x86_64', Name: 'here' });
    const builders = new Map([
      ['linux/arm64', b('linux/arm64', 'unix:///arm.sock')],
      ['linux/arm/v7', b('linux/arm/v7', 'unix:///arm.sock', true)],
    ]);
    const checked = await connectBuilders(
      ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
      builders,
      () => arm,
      () => ({ ...local, local: true }),
    );
    expect([...checked].map(([p, c]) => [p, c.engine.endpoint, c.native, c.name])).toEqual([
      ['linux/amd64', 'unix:///var/run/docker.sock', 'linux/amd64', 'here'],
      ['linux/arm64', 'unix:///arm.sock', 'linux/arm64', 'arm-host'],
      ['linux/arm/v7', 'unix:///arm.sock', 'linux/arm64', 'arm-host'],
    ]);
  });

  describe('a tcp:// builder whose TLS does not check out', () => {
    let server: Server;
    let port = 0;
    let ca: TestCa;
    let other: TestCa;
    const dir = mkdtempSync(join(tmpdir(), 'janus-builder-tls-'));
    beforeAll(async () => {
      [ca, other] = await Promise.all([TestCa.create('engine CA'), TestCa.create('some other CA')]);
      const cert = await ca.serverCertificate('engine');
      const { readFileSync } = await import('node:fs');
      // An engine asking for client certificates, as dockerd --tlsverify does.
      server = createServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile), ca: ca.cert, requestCert: true, rejectUnauthorized: true });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
      // The client trusts another CA and presents a certificate the engine never issued.
      const client = await other.serverCertificate('client');
      writeFileSync(join(dir, 'ca.pem'), other.cert);
      writeFileSync(join(dir, 'cert.pem'), readFileSync(client.certFile));
      writeFileSync(join(dir, 'key.pem'), readFileSync(client.keyFile));
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
      for (const d of [dir, ca.dir, other.dir]) rmSync(d, { recursive: true, force: true });
    });

    it('is named as refusing TLS, with the platform and endpoint', async () => {
      const endpoint = `tcp://127.0.0.1:${port}`;
      const builders = new Map([['linux/arm64', { platform: 'linux/arm64', endpoint, scheme: 'tcp' as const, emulated: false, certPath: dir }]]);
      await expect(connectBuilders(['linux/arm64'], builders, builderEngine)).rejects.toThrow(
        new RegExp(`builder for linux/arm64 \\(${endpoint.replace(/[/.]/g, '\\$&')}\\) refused TLS \\(.*\\); check the client certificates`),
      );
    });
  });
});
