import { logger } from '@nx/devkit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readContractReport } from '../../contract/report';
import { SCOPE_LABEL } from '../../engine/container-runner';
import { assertEngineRunning, containerEngine, useEngine } from '../../engine/docker-client';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { testEngines } from '../../../../janus-testing/src/test-engines';
import contractTestExecutor from './executor';

const DEMO = 'localhost:5000/demo-agent';

/** The demo agent's list digest in the local registry: one image, by a reference no rebuild can move mid-run. */
async function demoDigest(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:5000/v2/demo-agent/manifests/latest`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' },
  });
  const digest = res.headers.get('docker-content-digest');
  if (!res.ok || !digest) throw new Error(`no ${DEMO}:latest in the local registry (HTTP ${res.status}): run 'npm run demo' first`);
  return digest;
}

// The whole contract, on each engine, against the demo agent pulled by digest: the checks that lean on the engine
// differ between Docker and Podman 4.3 (the host's name for the platform stand-in, HEALTHCHECKs that Podman's
// compat API drops from image inspect, splits at spaces and never runs without systemd), and all must pass on both.
describe.each(testEngines())('janus:contract-test on the real engine ($kind)', (engine) => {
  const ws = mkdtempSync(join(tmpdir(), 'janus-contract-engine-'));
  let image = '';
  let pulledHere = false;

  beforeAll(async () => {
    useEngine(engine.target);
    await assertEngineRunning();
    image = `${DEMO}@${await demoDigest()}`;
    pulledHere = !(await containerEngine().images.inspect(image));
  });
  afterAll(async () => {
    useEngine(engine.target);
    // Only what this spec pulled: the demo's own copy stays for the demo and the other specs.
    if (pulledHere) await containerEngine().images.remove(image);
    rmSync(ws, { recursive: true, force: true });
  });

  it('passes every check, the platform proxy and the engine-run HEALTHCHECK included, and leaves no container', async () => {
    useEngine(engine.target);
    const errors: string[] = [];
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    let success = false;
    try {
      success = (await contractTestExecutor({ image, reportDir: 'report' }, executorContext(ws, 'probe', 'apps/probe'))).success;
    } finally {
      jest.restoreAllMocks();
    }
    const report = readContractReport(join(ws, 'report'))!;
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.figure} ${c.detail ?? ''}`);
    expect({ failed, errors }).toEqual({ failed: [], errors: [] });
    expect(success).toBe(true);
    expect(report.checks.find((c) => c.id === 'platform-proxy')?.figure).toBe('2/2 via platform with key');
    expect(report.checks.find((c) => c.id === 'health-status')?.ok).toBe(true);
    expect(await containerEngine().containers.list({ labels: [SCOPE_LABEL] })).toEqual([]);
  });
});
