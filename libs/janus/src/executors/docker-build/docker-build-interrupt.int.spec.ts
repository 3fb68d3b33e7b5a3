import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { RegistryClient } from '../../registry/registry-client';
import { runCommand } from '../../process/run-command';
import { spawnExecutor } from '../../../../janus-testing/src/spawn-executor';

const FIXTURE = join(__dirname, '../../../../janus-testing/src/fixtures/build-probe');

// Ctrl-C in the middle of a RUN step: the build stops promptly, no tag appears in the registry or the
// engine, and no container or untagged image of the build is left behind.
describe('janus:docker-build interrupted', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-build-int-'));
  const image = `janus-test/interrupt-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    await assertEngineRunning();
    cpSync(FIXTURE, join(ws, 'apps/probe'), { recursive: true });
    // A unique step, so it is never cached, that is quick on amd64 and long on arm64: the amd64 image is
    // finished (and untagged) when the interrupt lands during the arm64 build, so a cleanup that forgot it
    // would leave it dangling.
    appendFileSync(join(ws, 'apps/probe/Dockerfile'), `RUN echo "slow step ${image}" && if [ "$(uname -m)" = aarch64 ]; then sleep 120; fi\n`);
    writeFileSync(join(ws, 'secret.txt'), 'x-secret-x');
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('cancels on SIGINT and leaves nothing half-made', async () => {
    const docker = dockerClient();
    const containersBefore = (await docker.listContainers({ all: true })).length;
    const options = {
      image,
      registry: 'localhost:5000',
      platforms: 'linux/amd64,linux/arm64',
      push: true,
      labels: { 'org.janus.test-build': image },
      deriveTags: false,
      tags: ['v1'],
      secrets: ['id=probe-secret,src=secret.txt'],
      lint: false,
    };
    const child = spawnExecutor(join(__dirname, 'executor.ts'), ws, options);
    let output = '';
    const sawSlowStep = new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        if (/\[linux\/arm64\].*slow step/.test(output)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await sawSlowStep;
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(code).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(output).toMatch(/cancelled; no tag was changed/);

    // BuildKit's RUN process for the step is gone too, not left sleeping in the daemon.
    const { stdout } = await runCommand('ps', ['-eo', 'args']);
    expect(stdout).not.toContain(`slow step ${image}`);

    expect(await RegistryClient.forHost('localhost:5000').headManifest(image, 'v1')).toBeNull();
    expect(await docker.listImages({ filters: { reference: [`localhost:5000/${image}`] } })).toEqual([]);
    expect((await docker.listContainers({ all: true })).length).toBe(containersBefore);
    // Not the finished amd64 image either: nothing carrying this build's label, tagged or dangling.
    expect(output).toMatch(/\[linux\/amd64\].*writing image sha256/);
    expect(await docker.listImages({ all: true, filters: { label: [`org.janus.test-build=${image}`] } })).toEqual([]);
  });
});
