import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
