import { logger } from '@nx/devkit';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import dockerBuildExecutor from './executor';

// Podman asked for where it is not installed, or where its socket does not answer: one line saying which and how to
// start it, before anything is built; Docker's socket is never spoken to, and nothing is left behind.
describe('docker-build on Podman where Podman cannot serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-podman-unavailable-'));
  const ws = join(dir, 'ws');
  const bin = join(dir, 'bin');
  const touched = join(dir, 'touched');
  const dockerSocket = join(dir, 'docker.sock');
  let docker: Server;
  let dockerCalls = 0;
  const env = process.env;

  beforeAll(async () => {
    cpSync(join(__dirname, '../../../../janus-testing/src/fixtures/build-probe'), join(ws, 'apps/probe'), { recursive: true });
    mkdirSync(bin);
    // Only what the build runs besides an engine CLI: no podman on this PATH unless a case puts one there.
    for (const tool of ['git', 'sh']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    docker = createServer((s) => (dockerCalls++, s.destroy()));
    await new Promise<void>((resolve) => docker.listen(dockerSocket, resolve));
  });
  afterAll(async () => {
    process.env = env;
    await new Promise((resolve) => docker.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function buildOnPodman(extraEnv: NodeJS.ProcessEnv): Promise<string[]> {
    process.env = { ...env, PATH: bin, DOCKER_HOST: `unix://${dockerSocket}`, JANUS_PODMAN_SOCKET: join(dir, 'podman.sock'), ...extraEnv };
    const tempsBefore = readdirSync(tmpdir()).filter((f) => f.startsWith('janus-build-')).length;
    const errors: string[] = [];
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    try {
      const result = await dockerBuildExecutor(
        { image: 'janus-test/unavailable', platforms: 'linux/amd64', lint: false },
        executorContext(ws, 'probe', 'apps/probe'),
      );
      expect(result.success).toBe(false);
    } finally {
      jest.restoreAllMocks();
      process.env = env;
    }
    expect(dockerCalls).toBe(0);
    expect(existsSync(join(ws, 'dist'))).toBe(false);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('janus-build-')).length).toBeLessThanOrEqual(tempsBefore);
    expect(errors).toHaveLength(1);
    expect(errors[0].split('\n')).toHaveLength(1);
    return errors;
  }

  it('JANUS_ENGINE=podman without podman installed: says it is not installed and how to install it', async () => {
    const [error] = await buildOnPodman({ JANUS_ENGINE: 'podman' });
    expect(error).toMatch(
      /^janus: Podman is not installed \(JANUS_ENGINE chose Podman\): install it \('apt-get install podman'.*or choose Docker \(JANUS_ENGINE=docker\)/,
    );
  });

  it('podman installed but its socket not running: names the socket and how to start it, and builds nothing', async () => {
    writeFileSync(join(bin, 'podman'), `#!/bin/sh\necho podman "$@" >> ${touched}\n`);
    chmodSync(join(bin, 'podman'), 0o755);
    const [error] = await buildOnPodman({ JANUS_ENGINE: 'podman' });
    expect(error).toMatch(
      new RegExp(
        `^janus: Podman's API socket at ${join(dir, 'podman.sock')} is not answering \\(JANUS_ENGINE chose Podman\\): start its socket with 'podman system service --time=0 unix://`,
      ),
    );
    expect(existsSync(touched) ? readFileSync(touched, 'utf8') : '').not.toMatch(/podman build/);
  });
});
