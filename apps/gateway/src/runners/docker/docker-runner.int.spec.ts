import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import OpenAI from 'openai';
import { buildImage } from '../../../../../libs/janus-testing/src/build-test-image';
import { removeImages } from '../../../../../libs/janus-testing/src/test-images';
import { loadConfig } from '../../config';
import { startGateway, type RunningGateway } from '../../gateway';
import { silentLogger } from '../../log';
import { DockerRunner, INSTANCE_LABEL } from './docker-runner';

/**
 * The Docker runner against the real engine, through the gateway, with a purpose-built competitor image whose
 * misbehaviours (never ready, dies mid-stream) are chosen by its env.
 */
const IMAGE = `janus-gateway-fixture-competitor:${randomBytes(4).toString('hex')}`;
const FIXTURE = join(__dirname, '../../testing/fixtures/competitor');
const docker = new Docker();
const testLabels = { 'org.janus.test': 'gateway', ...(process.env.JANUS_TEST_RUN ? { 'org.janus.test.run': process.env.JANUS_TEST_RUN } : {}) };

const instanceContainers = (instance: string) => docker.listContainers({ all: true, filters: { label: [`${INSTANCE_LABEL}=${instance}`] } });

async function until<T>(what: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startWith(instance: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningGateway> {
  const competitor = (model: string, behaviour: string, env: Record<string, string> = {}) => ({
    model,
    image: IMAGE,
    env: { FIXTURE_BEHAVIOUR: behaviour, FIXTURE_MODEL: model, ...env },
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    JANUS_GATEWAY_INSTANCE: instance,
    JANUS_DOCKER_READY_TIMEOUT_S: '4',
    JANUS_DOCKER_MEMORY_MB: '128',
    JANUS_COMPETITORS: JSON.stringify([
      competitor('fixture-ok', 'ok', { FIXTURE_CHUNKS: '6' }),
      competitor('fixture-slow', 'ok', { FIXTURE_CHUNKS: '400', FIXTURE_CHUNK_DELAY_MS: '50' }),
      competitor('fixture-never-ready', 'never-ready'),
      competitor('fixture-dies', 'dies-mid-stream'),
      competitor('fixture-burst', 'ok', { FIXTURE_CHUNKS: '6', FIXTURE_CHUNK_DELAY_MS: '20' }),
      { model: 'fixture-missing', image: 'localhost:5000/janus-gateway-no-such-image:none' },
    ]),
    ...extraEnv,
  });
  return startGateway(config, { logger: silentLogger, docker, containerLabels: testLabels });
}

describe('gateway Docker runner on the real engine', () => {
  const instance = `spec-${randomBytes(4).toString('hex')}`;
  let gateway: RunningGateway;
  let base: string;
  const chat = (model: string, stream = false) =>
    fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
    });

  beforeAll(async () => {
    await buildImage({ context: FIXTURE, tags: [IMAGE] });
    gateway = await startWith(instance);
    base = `http://127.0.0.1:${gateway.port}`;
  });
  afterAll(async () => {
    await gateway?.close();
    await removeImages(IMAGE);
  });

  it('starts the competitor on demand with the safety flags and its env, labelled with the instance, and proxies to it', async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused' });
    const done = await client.chat.completions.create({ model: 'fixture-ok', messages: [{ role: 'user', content: 'hi' }] });
    expect(done.choices[0].message.content).toBe('w0 w1 w2 w3 w4 w5 ');
    let streamed = '';
    for await (const c of await client.chat.completions.create({ model: 'fixture-ok', stream: true, messages: [{ role: 'user', content: 'hi' }] })) {
      streamed += c.choices[0]?.delta?.content ?? '';
    }
    expect(streamed).toBe('w0 w1 w2 w3 w4 w5 ');

    const [listed] = (await instanceContainers(instance)).filter((c) => c.Labels['org.janus.gateway.competitor'] === 'fixture-ok');
    const info = await docker.getContainer(listed.Id).inspect();
    expect(info.HostConfig).toMatchObject({
      Memory: 128 * 1024 * 1024,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': expect.stringContaining('rw') },
    });
    expect(info.Config.Env).toEqual(expect.arrayContaining(['FIXTURE_BEHAVIOUR=ok', 'FIXTURE_CHUNKS=6']));
    // Env is the competitor's own; nothing of it may leak into labels, which anyone with engine access reads.
    expect(JSON.stringify(info.Config.Labels)).not.toContain('FIXTURE_CHUNKS');
    expect(info.Config.Labels[INSTANCE_LABEL]).toBe(instance);
    // Reused, not started again: one container served both requests.
    expect(gateway.runners.docker && (gateway.runners.docker as DockerRunner).containers().filter((c) => c.model === 'fixture-ok')).toHaveLength(1);
  });

  it('answers 504 for a competitor that never becomes ready, and removes its container', async () => {
    const res = await chat('fixture-never-ready');
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { type: 'timeout_error', code: 'competitor_not_ready', param: null } });
    const left = (await instanceContainers(instance)).filter((c) => c.Labels['org.janus.gateway.competitor'] === 'fixture-never-ready');
    expect(left).toEqual([]);
  });

  it('ends the stream with an error event when the competitor dies mid-stream, and removes the dead container', async () => {
    const res = await chat('fixture-dies', true);
    expect(res.status).toBe(200);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.length).toBeGreaterThan(1);
    expect(JSON.parse(events.at(-1)!.replace(/^data: /, ''))).toMatchObject({ error: { type: 'upstream_error', code: 'competitor_stream_broken' } });
    expect(events).not.toContain('data: [DONE]');
    await until(async () => ((await instanceContainers(instance)).some((c) => c.Labels['org.janus.gateway.competitor'] === 'fixture-dies') ? undefined : true));
  });

  it('cancels the upstream request when the client disconnects mid-stream (seen by the competitor)', async () => {
    await (await chat('fixture-slow')).text(); // started and warm
    const [c] = (await instanceContainers(instance)).filter((x) => x.Labels['org.janus.gateway.competitor'] === 'fixture-slow');
    const stats = async () => (await (await fetch(`http://127.0.0.1:${c.Ports[0].PublicPort}/stats`)).json()) as { cancelled: number; completed: number };
    expect((await stats()).cancelled).toBe(0);
    await new Promise<void>((resolve, reject) => {
      const req = request(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (/socket hang up|aborted/.test(e.message) ? undefined : reject(e)));
      req.end(JSON.stringify({ model: 'fixture-slow', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    });
    // 400 chunks at 50 ms would take 20 s: a cancellation shows long before that.
    const after = await until(async () => {
      const s = await stats();
      return s.cancelled > 0 ? s : undefined;
    }, 10_000);
    expect(after).toEqual(expect.objectContaining({ cancelled: 1 }));
  });

  it('answers 20 concurrent clients arriving while the competitor is still cold, from one container, leaking none', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await chat('fixture-burst', i % 2 === 0);
        const text = await res.text();
        return { status: res.status, complete: i % 2 === 0 ? text.includes('data: [DONE]') : text.includes('w5') };
      }),
    );
    expect(results.filter((r) => r.status === 200 && r.complete)).toHaveLength(20);
    // All 20 waited for the one container that was starting (up to 32 streams share a container by default).
    const running = (await instanceContainers(instance)).filter((c) => c.Labels['org.janus.gateway.competitor'] === 'fixture-burst');
    expect(running).toHaveLength(1);
  });

  it('answers 502 naming the image when the competitor image cannot be had, leaving no container', async () => {
    const res = await chat('fixture-missing');
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('competitor_start_failed');
    expect(body.error.message).toContain('localhost:5000/janus-gateway-no-such-image:none');
    expect((await instanceContainers(instance)).filter((c) => c.Labels['org.janus.gateway.competitor'] === 'fixture-missing')).toEqual([]);
  });

  it('removes every container it started on shutdown', async () => {
    expect((await instanceContainers(instance)).length).toBeGreaterThan(0);
    await gateway.close();
    expect(await instanceContainers(instance)).toEqual([]);
  });
});

describe('gateway Docker runner lifecycle', () => {
  beforeAll(async () => {
    await buildImage({ context: FIXTURE, tags: [IMAGE] });
  });
  afterAll(async () => {
    await removeImages(IMAGE);
  });

  it('removes leftovers of a crashed run of the same instance at its next start, and no other instance’s', async () => {
    const instance = `spec-crash-${randomBytes(4).toString('hex')}`;
    const other = `spec-other-${randomBytes(4).toString('hex')}`;
    const settings = { ...loadConfig({}).docker, instance };
    const competitor = { model: 'fixture-ok', image: IMAGE, env: {}, port: 8080, readOnlyRoot: true };
    // A "crashed" gateway: its runner started containers and never shut down.
    const crashed = new DockerRunner(settings, { docker, labels: testLabels });
    const bystander = new DockerRunner({ ...settings, instance: other }, { docker, labels: testLabels });
    try {
      await (await crashed.acquire(competitor, new AbortController().signal)).release('ok');
      await (await bystander.acquire(competitor, new AbortController().signal)).release('ok');
      expect(await instanceContainers(instance)).toHaveLength(1);
      const next = await startWith(instance);
      try {
        expect(await instanceContainers(instance)).toEqual([]);
        expect(await instanceContainers(other)).toHaveLength(1);
      } finally {
        await next.close();
      }
    } finally {
      await crashed.shutdown();
      await bystander.shutdown();
    }
    expect(await instanceContainers(other)).toEqual([]);
  });

  it('stops idle containers after the timeout, keeping the warm pool', async () => {
    const instance = `spec-idle-${randomBytes(4).toString('hex')}`;
    const competitor = { model: 'fixture-ok', image: IMAGE, env: {}, port: 8080, readOnlyRoot: true };
    const runner = new DockerRunner(
      { ...loadConfig({}).docker, instance, idleTimeoutMs: 300, warm: 1, streamsPerContainer: 1 },
      { docker, labels: testLabels },
    );
    try {
      runner.prewarm([competitor]);
      // Two at once with one stream per container: a second container starts beside the warm one.
      const leases = await Promise.all([runner.acquire(competitor, new AbortController().signal), runner.acquire(competitor, new AbortController().signal)]);
      expect(await instanceContainers(instance)).toHaveLength(2);
      await Promise.all(leases.map((l) => l.release('ok')));
      // The idle one beyond the warm pool goes; the warm one stays.
      await until(async () => ((await instanceContainers(instance)).length === 1 ? true : undefined));
      await new Promise((r) => setTimeout(r, 1000));
      expect(await instanceContainers(instance)).toHaveLength(1);
    } finally {
      await runner.shutdown();
    }
    expect(await instanceContainers(instance)).toEqual([]);
  });

  it('joins JANUS_DOCKER_NETWORK and reaches the competitor by its address there, publishing no port', async () => {
    const instance = `spec-net-${randomBytes(4).toString('hex')}`;
    const network = await docker.createNetwork({ Name: `janus-gw-spec-${randomBytes(4).toString('hex')}`, Labels: testLabels });
    const runner = new DockerRunner({ ...loadConfig({}).docker, instance, network: (await network.inspect()).Name }, { docker, labels: testLabels });
    try {
      const competitor = { model: 'fixture-ok', image: IMAGE, env: {}, port: 8080, readOnlyRoot: true };
      const lease = await runner.acquire(competitor, new AbortController().signal);
      const [c] = await instanceContainers(instance);
      expect(c.Ports.filter((p) => p.PublicPort)).toEqual([]);
      expect(lease.baseUrl).toBe(`http://${c.NetworkSettings.Networks[(await network.inspect()).Name].IPAddress}:8080`);
      expect((await fetch(`${lease.baseUrl}/health`)).status).toBe(200);
      await lease.release('ok');
    } finally {
      await runner.shutdown();
      await network.remove();
    }
    expect(await instanceContainers(instance)).toEqual([]);
  });
});
