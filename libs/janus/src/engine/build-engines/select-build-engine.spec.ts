import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DockerBuildkitEngine } from './docker-buildkit-engine';
import { selectBuildEngine } from './select-build-engine';

describe('build engine selection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-cli-'));
  const fakeCli = join(dir, 'my-docker');
  const env = process.env;
  beforeAll(() => {
    // A client that has buildx: the case where --engine=docker used to fall back to a bare `docker`.
    writeFileSync(fakeCli, '#!/bin/sh\n[ "$1" = buildx ] && exit 0\nexit 1\n');
    chmodSync(fakeCli, 0o755);
  });
  afterEach(() => (process.env = env));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('honours JANUS_DOCKER_CLI for --engine=docker and --engine=auto', async () => {
    process.env = { ...env, JANUS_DOCKER_CLI: fakeCli };
    const docker = (await selectBuildEngine('docker')) as DockerBuildkitEngine;
    expect([docker.name, docker.bin]).toEqual(['docker', fakeCli]);
    const auto = (await selectBuildEngine('auto')) as DockerBuildkitEngine;
    expect([auto.name, auto.bin]).toEqual(['buildx', fakeCli]);
  });

  it('asks `docker buildx` only when a buildx plugin is where the CLI looks for one', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'janus-path-'));
    const config = mkdtempSync(join(tmpdir(), 'janus-docker-config-'));
    try {
      writeFileSync(join(bin, 'docker'), '#!/bin/sh\n[ "$1" = buildx ] && exit 0\nexit 1\n');
      chmodSync(join(bin, 'docker'), 0o755);
      const { JANUS_DOCKER_CLI: _override, ...rest } = env;
      process.env = { ...rest, PATH: `${bin}:${env.PATH}`, DOCKER_CONFIG: config };
      expect((await selectBuildEngine('auto')).name).not.toBe('buildx');
      mkdirSync(join(config, 'cli-plugins'));
      writeFileSync(join(config, 'cli-plugins/docker-buildx'), '');
      // Answers are kept per environment; the same directory spelt anew asks again.
      process.env = { ...process.env, DOCKER_CONFIG: `${config}/` };
      const withPlugin = (await selectBuildEngine('auto')) as DockerBuildkitEngine;
      expect([withPlugin.name, withPlugin.bin]).toEqual(['buildx', 'docker']);
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(config, { recursive: true, force: true });
    }
  });
});
