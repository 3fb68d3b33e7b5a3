import { randomBytes } from 'node:crypto';
import { assertEngineRunning } from '../../libs/janus/src/engine/docker-client';
import { runCommand } from '../../libs/janus/src/process/run-command';
import { SANDBOX_LABEL, STAND_IN_LABEL, SandyStandIn } from './sandy-stand-in';
import { testLabels } from '../../libs/janus-testing/src/test-labels';

const API_KEY = `stand-in-${randomBytes(6).toString('hex')}`;
// A web server from the image the stand-in already holds its namespaces with: no build needed.
const SERVER = 'localhost:5000/library/python:3.11-slim';

// The stand-in's own promises, on the real engine: sandboxes are kept apart on one shared engine (ports,
// names, containers), exec runs in the sandbox's network namespace with its environment, the proxy path
// reaches a port inside it, and terminate leaves nothing.
describe('Sandy stand-in on the real engine', () => {
  const standIn = new SandyStandIn({ apiKey: API_KEY, labels: testLabels() });
  const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

  async function create(env: Record<string, string> = {}): Promise<string> {
    const res = await fetch(`${standIn.url}/api/sandboxes`, { method: 'POST', headers: auth, body: JSON.stringify({ image: 'sandy-docker', env }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { sandbox_id: string }).sandbox_id;
  }
  async function exec(id: string, command: string, timeout?: number): Promise<{ exit_code: number; stdout: string; stderr: string }> {
    const res = await fetch(`${standIn.url}/api/sandboxes/${id}/exec`, { method: 'POST', headers: auth, body: JSON.stringify({ command, timeout }) });
    expect(res.status).toBe(200);
    return (await res.json()) as { exit_code: number; stdout: string; stderr: string };
  }
  const terminate = (id: string) => fetch(`${standIn.url}/api/sandboxes/${id}/terminate`, { method: 'POST', headers: auth });

  beforeAll(async () => {
    await assertEngineRunning();
    await standIn.start();
  });

  afterAll(async () => {
    await standIn.close();
    expect((await runCommand('docker', ['ps', '-aq', '--filter', `label=${STAND_IN_LABEL}=${standIn.id}`])).stdout).toBe('');
  });

  it('keeps two sandboxes apart on one engine, runs exec in the sandbox, proxies into it, and terminates it completely', async () => {
    const a = await create({ SANDBOX_NOTE: 'from-a' });
    const b = await create();
    const serve = `docker run -d --name web -p 8080:8080 ${SERVER} python3 -m http.server 8080`;
    // The same host-port request in both: each container is in its own sandbox's namespace.
    expect(await exec(a, serve)).toMatchObject({ exit_code: 0 });
    expect(await exec(b, serve)).toMatchObject({ exit_code: 0 });
    for (const id of [a, b]) {
      const probe = await exec(id, 'for i in $(seq 50); do curl -fsS -o /dev/null http://localhost:8080/ && exit 0; sleep 0.2; done; exit 1');
      expect(probe.exit_code).toBe(0);
    }
    expect((await exec(a, 'echo "$SANDBOX_NOTE"')).stdout).toBe('from-a\n');
    expect((await exec(b, 'echo "[$SANDBOX_NOTE]"')).stdout).toBe('[]\n');

    // A sandbox sees and names only its own containers.
    const namesA = (await exec(a, "docker ps --format '{{.Names}}'")).stdout.trim().split('\n').sort();
    expect(namesA).toEqual([expect.stringMatching(new RegExp(`${a}-sandbox$`)), expect.stringMatching(new RegExp(`${a}-web$`))]);
    const foreign = namesA.find((n) => n.endsWith('-web'))!;
    const refused = await exec(b, `docker logs ${foreign}`);
    expect(refused.exit_code).toBe(125);
    expect(refused.stderr).toMatch(/no container of this sandbox is named/);
    expect(await exec(b, `docker run --rm --network host ${SERVER} true`)).toMatchObject({
      exit_code: 125,
      stderr: expect.stringMatching(/--network is not available/),
    });
    expect(await exec(b, 'docker network ls')).toMatchObject({ exit_code: 125, stderr: expect.stringMatching(/not available in the stand-in/) });
    expect(await exec(b, 'docker rm -f web')).toMatchObject({ exit_code: 0 });
    expect((await exec(a, 'curl -fsS -o /dev/null -w "%{http_code}" http://localhost:8080/')).stdout).toBe('200');

    // The proxy path reaches the port inside the sandbox, with the key and only with it.
    const proxied = await fetch(`${standIn.url}/api/sandboxes/${a}/proxy/8080/`, { headers: auth });
    expect(proxied.status).toBe(200);
    expect(await proxied.text()).toMatch(/Directory listing/);
    expect((await fetch(`${standIn.url}/api/sandboxes/${a}/proxy/8080/`)).status).toBe(401);
    expect((await fetch(`${standIn.url}/api/sandboxes/${a}/proxy/8080/`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${standIn.url}/api/sandboxes/${b}/proxy/8080/`, { headers: auth })).status).toBe(502);
    expect((await fetch(`${standIn.url}/api/sandboxes/sb-none/proxy/8080/`, { headers: auth })).status).toBe(404);

    // An exec that outlives its timeout is cut off with 124, like timeout(1).
    expect(await exec(a, 'sleep 30', 1)).toMatchObject({ exit_code: 124 });

    for (const id of [a, b]) expect((await terminate(id)).status).toBe(200);
    expect((await terminate(a)).status).toBe(404);
    expect(standIn.liveSandboxes()).toEqual([]);
    for (const id of [a, b]) expect((await runCommand('docker', ['ps', '-aq', '--filter', `label=${SANDBOX_LABEL}=${id}`])).stdout).toBe('');
    expect((await runCommand('docker', ['network', 'ls', '-q', '--filter', `label=${STAND_IN_LABEL}=${standIn.id}`])).stdout).toBe('');
  });
});
