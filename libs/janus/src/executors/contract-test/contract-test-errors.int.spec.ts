import { logger } from '@nx/devkit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readContractReport } from '../../contract/report';
import { assertEngineRunning } from '../../engine/docker-client';
import { type BuildRecord, writeBuildRecord } from '../../image/build-record';
import { nativePlatform } from '../../oci/platform';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import contractTestExecutor from './executor';

// What the user typed, or what the record says, is named when the image cannot be had: never a raw registry
// status from a Docker Hub lookup the user did not ask for.
describe('janus:contract-test when the image cannot be had', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-contract-errors-'));
  const ctx = executorContext(ws, 'agent', 'apps/agent');
  let errors: string[] = [];

  beforeAll(() => assertEngineRunning());
  beforeEach(() => {
    errors = [];
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('an image nobody has: names the option, the value and where the pull went', async () => {
    const missing = `janus-test/missing-${randomBytes(3).toString('hex')}:1`;
    expect((await contractTestExecutor({ image: missing }, ctx)).success).toBe(false);
    expect(errors.join('\n')).toMatch(
      new RegExp(`janus:contract-test: 'image' = "${missing}": not in the local engine, and pulling it from docker.io failed \\(.*\\); build it first`),
    );
    expect(errors.join('\n')).not.toMatch(/HTTP code/);
    expect(readContractReport(join(ws, 'dist/contract/agent'))).toBeUndefined();
  });

  it('an empty or blank --image is refused as an option, before the engine is asked anything', async () => {
    for (const image of ['', '  ']) {
      expect((await contractTestExecutor({ image }, ctx)).success).toBe(false);
    }
    expect(errors).toEqual([
      expect.stringMatching(/'image' = "": must not be empty: give an image reference or leave the option out/),
      expect.stringMatching(/'image' = "": must not be empty/),
    ]);
    expect(errors.join('\n')).not.toMatch(/HTTP code|301/);
  });

  it('an engine-only build record restored without its image says so and what to do', async () => {
    const record: BuildRecord = {
      project: 'agent',
      image: 'localhost:5000/agent',
      tags: ['v1'],
      pushed: false,
      keepImagesIn: 'engine',
      platforms: [{ platform: nativePlatform(), ref: 'localhost:5000/agent:v1-x', imageId: `sha256:${'f'.repeat(64)}`, size: 1, buildSeconds: 1 }],
      buildArgs: {},
      labels: {},
      secrets: [],
      engine: 'docker',
      git: { sha: 'abc1234' },
    };
    writeBuildRecord(join(ws, 'dist/docker/agent'), record);
    expect((await contractTestExecutor({}, ctx)).success).toBe(false);
    expect(errors.join('\n')).toMatch(/sha256:ffffffffffff \(linux\/amd64\), which is not in this engine: .*--skip-nx-cache.*--keepImagesIn=registry/);
  });
});
