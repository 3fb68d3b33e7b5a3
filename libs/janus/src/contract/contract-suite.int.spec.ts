import { existsSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { logger } from '@nx/devkit';
import { buildImage } from '../../../janus-testing/src/build-test-image';
import { assertEngineRunning, dockerClient } from '../engine/docker-client';
import { testContainerFilter } from '../engine/container-runner';
import contractTestExecutor from '../executors/contract-test/executor';
import type { ContractTestOptions } from '../executors/contract-test/options-schema';
import { renderBaselineTo } from '../../../janus-testing/src/render-baseline';
import { executorContext } from '../../../janus-testing/src/executor-context';
import { FLAVORS } from '../schema/common-fields';
import type { ContractReport } from './report';

const FIXTURES = join(__dirname, '../../../janus-testing/src/fixtures/contract');
const id = randomBytes(3).toString('hex');
const tag = (name: string) => `janus-test/contract-${name}:${id}`;
// A broken stream also breaks the checks that need one: concurrent streams, the SDK's stream, the proxied stream.
const STREAMING_CHECKS = ['streaming', 'stream-usage', 'concurrency', 'openai-client', 'platform-proxy'];

// The contract on the real engine: the generated baseline passes every check, and each deliberately broken
// image fails the check it breaks, promptly, with no container left behind.
describe('contract-test on the real engine', () => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-contract-'));
  const secretValue = `baked-${randomBytes(8).toString('hex')}`;
  const secretFile = join(ws, 'probe-secret.txt');
  writeFileSync(secretFile, `${secretValue}\n`);
  const built: string[] = [];

  let run = 0;
  /** One run in its own report dir: the executor's verdict must match the report it wrote, never an older one. */
  async function check(image: string, options: Partial<ContractTestOptions> = {}): Promise<ContractReport> {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const reportDir = `report-${++run}`;
    const result = await contractTestExecutor(
      { image, reportDir, readyTimeoutS: 5, requestTimeoutS: 4, ...options },
      executorContext(ws, 'probe', 'apps/probe'),
    );
    jest.restoreAllMocks();
    const report = JSON.parse(readFileSync(join(ws, reportDir, 'report.json'), 'utf8')) as ContractReport;
    expect(result.success).toBe(report.ok);
    return report;
  }
  const failed = (r: ContractReport) => r.checks.filter((c) => !c.ok && c.figure !== 'not run').map((c) => c.id);
  const result = (r: ContractReport, checkId: string) => r.checks.find((c) => c.id === checkId)!;

  beforeAll(async () => {
    await assertEngineRunning();
    for (const flavor of FLAVORS) {
      const dir = join(ws, 'apps', flavor);
      renderBaselineTo(dir, flavor);
      const name = flavor === 'plain' ? 'baseline' : flavor;
      await buildImage({ context: dir, tags: [tag(name)] });
      built.push(tag(name));
    }
    for (const name of [
      'never-ready',
      'crashes-on-start',
      'plain-json-stream',
      'runs-as-root',
      'no-healthcheck',
      'never-done',
      'runtime-agent',
      'runtime-careless',
      'bakes-secret',
    ]) {
      await buildImage({
        context: join(FIXTURES, name),
        tags: [tag(name)],
        buildArgs: { BASE: tag('baseline'), ...(name === 'bakes-secret' ? { NONCE: id } : {}) },
        secrets: [`id=probe,src=${secretFile}`],
      });
      built.push(tag(name));
    }
  });

  afterAll(async () => {
    for (const image of built)
      await dockerClient()
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  afterEach(async () => {
    expect(await dockerClient().listContainers({ all: true, filters: { label: testContainerFilter() } })).toEqual([]);
  });

  it('passes the generated baseline on every check, and writes report.json and junit.xml', async () => {
    const report = await check(tag('baseline'));
    expect(failed(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([
      'readiness',
      'health-status',
      'models',
      'chat-completion',
      'streaming',
      'stream-usage',
      'errors',
      'openai-client',
      'concurrency',
      'platform-proxy',
      'image-hygiene',
      'shutdown',
    ]);
    const junit = readFileSync(join(ws, `report-${run}/junit.xml`), 'utf8');
    expect(junit).toMatch(/<testsuite name="contract-test probe" tests="12" failures="0"/);
  });

  it.each(['agent-cli', 'langchain'])('passes the %s flavor too: flavors differ in wiring, not in the contract', async (flavor) => {
    const report = await check(tag(flavor));
    expect(failed(report)).toEqual([]);
  });

  it('never-ready: fails readiness at the timeout with the last log lines', async () => {
    const t0 = Date.now();
    const report = await check(tag('never-ready'), { readyTimeoutS: 3 });
    expect(failed(report)).toEqual(['readiness']);
    expect(result(report, 'readiness').detail).toMatch(/did not answer 200 within 3 s[\s\S]*warming up forever/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('crashes-on-start: fails readiness with the exit code and the logs, without waiting for the timeout', async () => {
    const t0 = Date.now();
    const report = await check(tag('crashes-on-start'), { readyTimeoutS: 30 });
    expect(failed(report)).toEqual(['readiness']);
    expect(result(report, 'readiness').detail).toMatch(/exited with code 2[\s\S]*PORT='not-a-port'/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('plain-json-stream: fails streaming (and the checks that stream)', async () => {
    const report = await check(tag('plain-json-stream'));
    expect(result(report, 'streaming')).toMatchObject({ ok: false, detail: expect.stringMatching(/not text\/event-stream/) });
    expect(failed(report).filter((c) => !STREAMING_CHECKS.includes(c))).toEqual([]);
  });

  it('runs-as-root: fails image hygiene only', async () => {
    const report = await check(tag('runs-as-root'));
    expect(failed(report)).toEqual(['image-hygiene']);
    expect(result(report, 'image-hygiene').detail).toMatch(/config User is "root"[\s\S]*id -u inside the container is 0/);
  });

  it('no-healthcheck: fails the health checks only', async () => {
    const report = await check(tag('no-healthcheck'));
    expect(failed(report)).toEqual(['health-status', 'image-hygiene']);
    expect(result(report, 'health-status').figure).toBe('no HEALTHCHECK');
    expect(result(report, 'image-hygiene').detail).toBe('no HEALTHCHECK');
  });

  it('never-done: fails streaming at the request timeout instead of hanging', async () => {
    const t0 = Date.now();
    const report = await check(tag('never-done'), { requestTimeoutS: 2 });
    expect(result(report, 'streaming')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/request timeout of 2 s \(the stream was still open: .*no \[DONE\]\); 'requestTimeoutS' sets the limit/),
    });
    expect(failed(report).filter((c) => !STREAMING_CHECKS.includes(c))).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(40_000);
  });

  it('bakes-secret: image hygiene finds a build secret written into a layer, given as env= or src=', async () => {
    process.env.JANUS_PROBE_SECRET = secretValue;
    try {
      for (const spec of ['id=probe,env=JANUS_PROBE_SECRET', `id=probe,src=${secretFile}`]) {
        const report = await check(tag('bakes-secret'), { buildSecrets: [spec] });
        expect(failed(report)).toEqual(['image-hygiene']);
        expect(result(report, 'image-hygiene').detail).toMatch(/build secret #1 is baked into the image \(found in .*\)/);
      }
      // The same image with a secret it does not hold passes: the check searches for values, not for the spec text.
      process.env.JANUS_PROBE_SECRET = 'a-value-never-baked';
      expect(failed(await check(tag('bakes-secret'), { buildSecrets: ['id=probe,env=JANUS_PROBE_SECRET'] }))).toEqual([]);
    } finally {
      delete process.env.JANUS_PROBE_SECRET;
    }
  });

  it('a run that fails before its verdict leaves no report behind', async () => {
    const passed = await check(tag('baseline'), { skip: ['platform-proxy', 'concurrency', 'openai-client'] });
    expect(passed.ok).toBe(true);
    const dir = `report-${run}`;
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const result = await contractTestExecutor({ image: 'janus-test/does-not-exist:nope', reportDir: dir }, executorContext(ws, 'probe', 'apps/probe'));
    jest.restoreAllMocks();
    expect(result.success).toBe(false);
    expect(existsSync(join(ws, dir, 'report.json'))).toBe(false);
  });

  it('kind=runtime: checks the CLI version, user, credentials, warm pool and a read-only root', async () => {
    const report = await check(tag('runtime-agent'), { kind: 'runtime', env: { OPENAI_API_KEY: 'sk-test' }, expectedVersion: '1.2.3' });
    expect(failed(report)).toEqual([]);
    expect(result(report, 'cli-version').figure).toBe('fixture-agent 1.2.3');
    expect(result(report, 'missing-credentials').figure).toMatch(/^exit 64: error: OPENAI_API_KEY is not set/);
    expect(result(report, 'warm-pool').figure).toMatch(/% CPU idle, exec ok, SIGTERM → exit 0$/);
    expect(result(report, 'read-only-root').figure).toBe('agent ok, /home/runtime writable');
  });

  it('kind=runtime fails a runtime with every trap: another version, state outside home, no credential check, a spinning warm pool', async () => {
    const report = await check(tag('runtime-careless'), { kind: 'runtime', env: { OPENAI_API_KEY: 'sk-test' }, expectedVersion: '2.0.0' });
    expect(failed(report).sort()).toEqual(['cli-version', 'missing-credentials', 'read-only-root', 'warm-pool']);
    expect(result(report, 'cli-version').detail).toMatch(/printed "careless-agent 1\.2\.3", not the pinned 2\.0\.0/);
    expect(result(report, 'missing-credentials').detail).toMatch(/still running after 5 s/);
    expect(result(report, 'warm-pool').figure).toMatch(/% CPU$/);
  });

  it('kind=runtime on a baseline image fails the runtime user check', async () => {
    const report = await check(tag('baseline'), {
      kind: 'runtime',
      versionCommand: ['python', '--version'],
      skip: ['missing-credentials', 'read-only-root', 'warm-pool'],
    });
    expect(failed(report)).toEqual(['runtime-user']);
  });
});
