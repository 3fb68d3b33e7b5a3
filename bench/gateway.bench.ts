// The gateway (apps/gateway), side by side with its physical floor:
// - cold: time to first token for a competitor no container runs yet, through the Docker runner, beside the
//   image's own ready time (container create+start with the same flags → first /health 200 → first streamed
//   token, asked directly), interleaved so both see the same load;
// - warm: latency of a small chat completion through the gateway beside calling the same running competitor
//   directly, with 1 and 20 concurrent clients (p50/p99; overhead = gateway − direct).
// Targets: cold ≤ 3 s, warm overhead ≤ 5 ms p50. Uses the gateway's purpose-built fixture competitor; cold
// rows for real images too with BENCH_GATEWAY_IMAGES=localhost:5000/demo-agent:latest[=8080],...
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { loadConfig } from '../apps/gateway/src/config';
import { startGateway } from '../apps/gateway/src/gateway';
import { silentLogger } from '../apps/gateway/src/log';
import { waitForHealth } from '../apps/gateway/src/runners/health-probe';
import { INSTANCE_LABEL } from '../apps/gateway/src/runners/docker/docker-runner';
import { buildImage } from '../libs/janus-testing/src/build-test-image';
import { runCommand } from '../libs/janus/src/process/run-command';
import { removeImages } from '../libs/janus-testing/src/test-images';

// `--tiny` (what npm test runs): one cold round and a few warm requests, enough to run every path once.
const TINY = process.argv.includes('--tiny');
const ROUNDS = TINY ? 1 : Number(process.env.BENCH_ROUNDS ?? 5);
const WARM_REQUESTS = TINY ? 20 : Number(process.env.BENCH_WARM_REQUESTS ?? 400);
const WARM_UP = TINY ? 5 : 50;
// Compiled as the image compiles it, so the figures are the production code's, not a TypeScript loader's.
const GATEWAY_DIR = join(__dirname, '../apps/gateway');
// Under the workspace's tmp/ (ignored by git and the linters), where node still finds the workspace's node_modules.
const GATEWAY_OUT = join(__dirname, '../tmp/gateway-bench');
const GATEWAY_MAIN = join(GATEWAY_OUT, 'main.js');
const IMAGE = `janus-gateway-bench-competitor:${randomBytes(4).toString('hex')}`;
const docker = new Docker();
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const BODY = (model: string, stream: boolean) => JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] });

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
// The first chunk with non-empty content (the role chunk before it carries "content":"").
const FIRST_TOKEN = /"content":"[^"]/;
const now = () => Number(process.hrtime.bigint()) / 1e6;
/** User + system CPU of a process so far, from /proc (Linux; clock ticks of 1/100 s), in ms. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};

/** POST a chat completion; resolves at the first streamed content token (stream) or the whole answer. */
function chat(base: string, model: string, stream: boolean): Promise<number> {
  const t0 = now();
  return new Promise((resolve, reject) => {
    const req = request(`${base}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let seen = '';
      let done = false;
      res.on('data', (c: Buffer) => {
        seen += c.toString();
        if (stream && !done && FIRST_TOKEN.test(seen)) {
          done = true;
          resolve(now() - t0);
        }
      });
      res.on('end', () => (res.statusCode === 200 ? !done && resolve(now() - t0) : reject(new Error(`HTTP ${res.statusCode}: ${seen.slice(0, 200)}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(BODY(model, stream));
  });
}

/** The floor: the image started with the runner's flags, /health polled as the runner polls it, then the first token asked directly. */
async function floorColdStart(image: string, port: number): Promise<number> {
  const key = `${port}/tcp`;
  const t0 = now();
  const container = await docker.createContainer({
    Image: image,
    Labels: { 'org.janus.bench': 'gateway' },
    ExposedPorts: { [key]: {} },
    HostConfig: {
      Memory: 1024 * 1024 * 1024,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
      PortBindings: { [key]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
    },
  });
  try {
    await container.start();
    const base = `http://127.0.0.1:${(await container.inspect()).NetworkSettings.Ports[key]![0].HostPort}`;
    const ready = await waitForHealth(base, 30_000);
    if (!ready.ok) throw new Error(ready.detail);
    await chat(base, 'fixture', true);
    return now() - t0;
  } finally {
    await container.remove({ force: true });
  }
}

async function gatewayColdStart(image: string, port: number): Promise<number> {
  const instance = `bench-${randomBytes(4).toString('hex')}`;
  const gateway = await startGateway(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', JANUS_GATEWAY_INSTANCE: instance, JANUS_COMPETITORS: JSON.stringify([{ model: 'fixture', image, port }]) }),
    { logger: silentLogger, docker, containerLabels: { 'org.janus.bench': 'gateway' } },
  );
  try {
    return await chat(`http://127.0.0.1:${gateway.port}`, 'fixture', true);
  } finally {
    await gateway.close();
  }
}

async function load(base: string, clients: number, total: number): Promise<number[]> {
  const times: number[] = [];
  let left = total;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) times.push(await chat(base, 'fixture', false));
    }),
  );
  return times;
}

async function main() {
  await runCommand(join(__dirname, '../node_modules/.bin/tsc'), ['-p', join(GATEWAY_DIR, 'tsconfig.build.json'), '--outDir', GATEWAY_OUT]);
  await buildImage({ context: join(GATEWAY_DIR, 'src/testing/fixtures/competitor'), tags: [IMAGE] });
  try {
    // The fixture, and any real competitor image named in BENCH_GATEWAY_IMAGES (`image[=port]`, comma-separated).
    const images: Array<[string, string, number]> = [['fixture competitor', IMAGE, 8080]];
    for (const spec of (process.env.BENCH_GATEWAY_IMAGES ?? '').split(',').filter(Boolean)) {
      const [image, port] = spec.split('=');
      images.push([image, image, Number(port ?? 8080)]);
    }
    console.log(`cold competitor, time to first token (median of ${ROUNDS}; target ≤ 3 s)`);
    console.log(
      'image                                     through gateway (Docker runner)   image floor (run → /health → token)   gateway/floor   gateway − floor',
    );
    for (const [label, image, port] of images) {
      const floor: number[] = [];
      const cold: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        floor.push(await floorColdStart(image, port));
        cold.push(await gatewayColdStart(image, port));
      }
      const [f, c] = [pct(floor, 50), pct(cold, 50)];
      console.log(`${label.padEnd(Math.max(42, label.length + 2))}${ms(c).padEnd(34)}${ms(f).padEnd(38)}${(c / f).toFixed(2).padEnd(16)}${ms(c - f)}`);
    }

    // The gateway in its own process, as it runs in production: sharing the bench client's event loop would
    // charge the client's work to the gateway.
    const instance = `bench-warm-${randomBytes(4).toString('hex')}`;
    const port = 18000 + Math.floor(Math.random() * 1000);
    const child = spawn(process.execPath, [GATEWAY_MAIN], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        JANUS_GATEWAY_INSTANCE: instance,
        JANUS_COMPETITORS: JSON.stringify([{ model: 'fixture', image: IMAGE }]),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const up = await waitForHealth(base, 60_000);
      if (!up.ok) throw new Error(`the gateway did not start: ${up.detail}`);
      await chat(base, 'fixture', false);
      const [running] = await docker.listContainers({ filters: { label: [`${INSTANCE_LABEL}=${instance}`] } });
      const direct = `http://127.0.0.1:${running.Ports.find((p) => p.PrivatePort === 8080)!.PublicPort}`;
      const competitorPid = (await docker.getContainer(running.Id).inspect()).State.Pid;
      console.log(`\nwarm proxy overhead, non-streaming chat completion, ${WARM_REQUESTS} requests per row (target ≤ 5 ms p50 overhead)`);
      console.log(
        'clients  direct p50  gateway p50  overhead p50  direct p99  gateway p99  overhead p99  gateway/direct p50  gateway CPU/request  competitor CPU/request',
      );
      for (const clients of [1, 20]) {
        await load(direct, clients, WARM_UP);
        await load(base, clients, WARM_UP);
        // Interleaved halves so both paths see the same machine load.
        const c0 = cpuMs(competitorPid);
        const d = await load(direct, clients, WARM_REQUESTS / 2);
        const directCpu = (cpuMs(competitorPid) - c0) / (WARM_REQUESTS / 2);
        const cpu0 = cpuMs(child.pid!);
        const g = await load(base, clients, WARM_REQUESTS / 2);
        d.push(...(await load(direct, clients, WARM_REQUESTS / 2)));
        g.push(...(await load(base, clients, WARM_REQUESTS / 2)));
        // The gateway process's own CPU per request (it idles while the direct half runs): what the machine's load cannot inflate.
        const cpuPerRequest = (cpuMs(child.pid!) - cpu0) / WARM_REQUESTS;
        const [d50, g50, d99, g99] = [pct(d, 50), pct(g, 50), pct(d, 99), pct(g, 99)];
        console.log(
          `${String(clients).padEnd(9)}${ms(d50).padEnd(12)}${ms(g50).padEnd(13)}${ms(g50 - d50).padEnd(14)}${ms(d99).padEnd(12)}${ms(g99).padEnd(13)}${ms(g99 - d99).padEnd(14)}${(g50 / d50).toFixed(2).padEnd(20)}${ms(cpuPerRequest).padEnd(21)}${ms(directCpu)}`,
        );
      }
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const left = await docker.listContainers({ all: true, filters: { label: [`${INSTANCE_LABEL}=${instance}`] } });
    const benchLeft = await docker.listContainers({ all: true, filters: { label: ['org.janus.bench=gateway'] } });
    console.log(`\ncontainers left behind after SIGTERM to the gateway: ${left.length}; by the cold rounds: ${benchLeft.length}`);
  } finally {
    agent.destroy();
    await removeImages(IMAGE);
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
