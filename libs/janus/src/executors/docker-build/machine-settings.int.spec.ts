import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertEngineRunning } from '../../engine/docker-client';
import type { BuildRecord } from '../../image/build-record';
import { runCommand } from '../../process/run-command';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { removeImages } from '../../../../janus-testing/src/test-images';
import dockerBuildExecutor from './executor';

// What the machine says (JANUS_BUILD_NETWORK, JANUS_NPM_REGISTRY, JANUS_NPM_CA_FILE) reaches BuildKit, and a
// machine that says nothing builds with none of it: the probe writes down what its RUN step saw.
const DOCKERFILE = `FROM python:3.11-slim
ARG NPM_REGISTRY
RUN --mount=type=secret,id=npm-ca,required=false \\
    echo "\${NPM_REGISTRY:-none}" > /npm-registry \\
    && if [ -s /run/secrets/npm-ca ]; then wc -c < /run/secrets/npm-ca > /npm-ca-bytes; else echo 0 > /npm-ca-bytes; fi \\
    && cut -d: -f1 /proc/net/dev | tr -d ' ' > /networks
USER 1000:1000
CMD ["cat", "/npm-registry"]
`;

describe("docker-build with the machine's build settings", () => {
  jest.setTimeout(5 * 60 * 1000);
  const ws = mkdtempSync(join(tmpdir(), 'janus-machine-'));
  const image = `janus-test/machine-${randomBytes(3).toString('hex')}`;
  const env = process.env;

  beforeAll(async () => {
    await assertEngineRunning();
    mkdirSync(join(ws, 'apps/probe'), { recursive: true });
    writeFileSync(join(ws, 'apps/probe/Dockerfile'), DOCKERFILE);
    writeFileSync(join(ws, 'ca.pem'), 'PEM-BUNDLE\n');
  });
  afterEach(() => {
    process.env = env;
  });
  afterAll(async () => {
    await removeImages(image);
    rmSync(ws, { recursive: true, force: true });
  });

  /** Builds for amd64 afresh (BuildKit's cache keys ignore networks and secrets) and reads what the RUN step saw. */
  async function build(settings: Record<string, string>): Promise<{ registry: string; caBytes: string; networks: string[] }> {
    const { JANUS_BUILD_NETWORK: _n, JANUS_NPM_REGISTRY: _r, JANUS_NPM_CA_FILE: _c, ...rest } = env;
    process.env = { ...rest, ...settings };
    const tag = `t${randomBytes(3).toString('hex')}`;
    const ok = await dockerBuildExecutor(
      { image, platforms: 'linux/amd64', deriveTags: false, tags: [tag], lint: false, noCache: true },
      executorContext(ws, 'probe', 'apps/probe'),
    );
    expect(ok.success).toBe(true);
    const record = JSON.parse(readFileSync(join(ws, 'dist/docker/probe/metadata.json'), 'utf8')) as BuildRecord;
    const read = async (file: string) => (await runCommand('docker', ['run', '--rm', '--entrypoint', 'cat', record.platforms[0].imageId, file])).stdout.trim();
    return { registry: await read('/npm-registry'), caBytes: await read('/npm-ca-bytes'), networks: (await read('/networks')).split('\n') };
  }

  it('passes the network, the npm registry and the CA bundle the environment names', async () => {
    const saw = await build({ JANUS_BUILD_NETWORK: 'host', JANUS_NPM_REGISTRY: 'http://127.0.0.1:4999/', JANUS_NPM_CA_FILE: join(ws, 'ca.pem') });
    expect(saw.registry).toBe('http://127.0.0.1:4999/');
    expect(saw.caBytes).toBe(String('PEM-BUNDLE\n'.length));
    // The host's own network: its docker0 bridge is visible only from the host's network namespace.
    expect(saw.networks).toContain('docker0');
  });

  it('builds with none of them when the machine says nothing, as on a laptop or a hosted runner', async () => {
    const saw = await build({});
    expect(saw).toEqual({ registry: 'none', caBytes: '0', networks: expect.not.arrayContaining(['docker0']) });
  });
});
