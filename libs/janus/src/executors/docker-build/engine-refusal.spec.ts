import { logger } from '@nx/devkit';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import dockerBuildExecutor from './executor';

// An engine janus does not support yet is refused before anything runs: no engine, CLI or temporary file is
// touched, so the refusal leaves nothing behind (no container, tag or temp dir), whatever is installed.
describe('docker-build with an engine it does not support yet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-engine-refusal-'));
  const ws = join(dir, 'ws');
  const bin = join(dir, 'bin');
  const touched = join(dir, 'touched');
  const socketPath = join(dir, 'engine.sock');
  let engine: Server;
  let engineCalls = 0;
  const env = process.env;

  beforeAll(async () => {
    cpSync(join(__dirname, '../../../../janus-testing/src/fixtures/build-probe'), join(ws, 'apps/probe'), { recursive: true });
    mkdirSync(bin);
    // Stand-ins for the engine CLIs that record being run, and an engine socket that counts connections.
    for (const cli of ['docker', 'podman', 'buildah']) {
      writeFileSync(join(bin, cli), `#!/bin/sh\necho ${cli} "$@" >> ${touched}\n`);
      chmodSync(join(bin, cli), 0o755);
    }
    engine = createServer((s) => (engineCalls++, s.destroy()));
    await new Promise<void>((resolve) => engine.listen(socketPath, resolve));
  });
  afterAll(async () => {
    process.env = env;
    await new Promise((resolve) => engine.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("'engine' = podman: one line saying what is supported and how, and nothing touched or left behind", async () => {
    process.env = { ...env, PATH: `${bin}:${env.PATH}`, DOCKER_HOST: `unix://${socketPath}`, JANUS_DOCKER_CLI: join(bin, 'docker') };
    const tempsBefore = readdirSync(tmpdir()).filter((f) => f.startsWith('janus-build-')).length;
    const errors: string[] = [];
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    try {
      const result = await dockerBuildExecutor(
        { image: 'janus-test/refused', platforms: 'linux/amd64', lint: false, engine: 'podman' },
        executorContext(ws, 'probe', 'apps/probe'),
      );
      expect(result.success).toBe(false);
    } finally {
      jest.restoreAllMocks();
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/'engine' = "podman": not supported yet: .*Podman support is planned\. Use 'auto', 'buildx' or 'docker' with a Docker engine/);
    expect(errors[0].split('\n').filter((l) => l.includes('podman'))).toHaveLength(1);
    expect(existsSync(touched)).toBe(false);
    expect(engineCalls).toBe(0);
    expect(existsSync(join(ws, 'dist'))).toBe(false);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('janus-build-')).length).toBeLessThanOrEqual(tempsBefore);
  });
});
