import { execFileSync } from 'node:child_process';
import { type Competitor, RunnerError } from '../competitor-runner';
import type { ExecResult, SandboxSpec, SandyClient } from './sandy-client';
import { parseSandyConfig, sandyConfigFromEnv, SandyConfigError } from './sandy-config';
import { SandyRunner } from './sandy-runner';
import { shellCommand, shellQuote } from './shell-quote';

const API_KEY = 'sandy-key-never-shown';
const SECRET = 'chutes-secret-value';

/** The Sandy API as a script: each exec answers by what its command is. */
class FakeSandyClient implements SandyClient {
  created: SandboxSpec[] = [];
  commands: { id: string; command: string }[] = [];
  terminated: string[] = [];
  onCreate: () => Promise<void> = async () => undefined;
  onStart: () => Promise<ExecResult> = async () => ({ exitCode: 0, stdout: 'container-id\n', stderr: '' });
  onProbe: () => Promise<ExecResult> = async () => ({ exitCode: 0, stdout: '{"status":"ok"}', stderr: '' });
  private terminateWaiters: (() => void)[] = [];

  async createSandbox(spec: SandboxSpec, signal: AbortSignal): Promise<string> {
    await abortable(this.onCreate(), signal);
    this.created.push(spec);
    return `sb-${this.created.length}`;
  }

  async exec(id: string, command: string, signal: AbortSignal): Promise<ExecResult> {
    this.commands.push({ id, command });
    return abortable(command.startsWith('docker pull') ? this.onStart() : this.onProbe(), signal);
  }

  async terminate(id: string): Promise<void> {
    this.terminated.push(id);
    this.terminateWaiters.splice(0).forEach((w) => w());
  }

  proxy(id: string, port: number) {
    return { baseUrl: `http://sandy.test/api/sandboxes/${id}/proxy/${port}`, headers: { authorization: `Bearer ${API_KEY}` } };
  }

  nextTerminate(): Promise<void> {
    return new Promise((resolve) => this.terminateWaiters.push(resolve));
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new RunnerError('cancelled', 499, 'request_cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const config = parseSandyConfig({
  baseUrl: 'http://sandy.test/',
  apiKey: API_KEY,
  readyTimeoutMs: 300,
  healthIntervalMs: 20,
  idleTimeoutMs: 1000,
});
const agent: Competitor = { model: 'agent', image: 'localhost:5000/agent:1.0', env: { CHUTES_API_KEY: SECRET } };

function setup() {
  const client = new FakeSandyClient();
  const logged: string[] = [];
  const line = (msg: string, fields?: Record<string, unknown>) => logged.push(JSON.stringify({ msg, ...fields }));
  const runner = new SandyRunner(config, { client, logger: { info: line, warn: line } });
  return { client, runner, logged };
}

const never = new AbortController().signal;

describe('SandyRunner', () => {
  it('creates a sandbox, pulls and runs the image, probes /health through exec, and leases the proxy path', async () => {
    const { client, runner, logged } = setup();
    const lease = await runner.acquire(agent, never);

    expect(client.created).toEqual([{ image: 'sandy-docker', resources: { cpu: 2, memory_mb: 4096, disk_gb: 10 }, env: { CHUTES_API_KEY: SECRET } }]);
    expect(client.commands[0]).toEqual({
      id: 'sb-1',
      command: 'docker pull -- localhost:5000/agent:1.0 && docker run -d --name competitor -p 8080:8080 -e CHUTES_API_KEY -- localhost:5000/agent:1.0',
    });
    expect(client.commands[1].command).toBe('curl -fsS --max-time 2 http://127.0.0.1:8080/health');
    expect(lease.baseUrl).toBe('http://sandy.test/api/sandboxes/sb-1/proxy/8080');
    expect(lease.headers).toEqual({ authorization: `Bearer ${API_KEY}` });
    // Secrets travel in the sandbox's environment only: never in a command line, never in a log line.
    for (const { command } of client.commands) expect(command).not.toContain(SECRET);
    for (const line of logged) expect(line).not.toMatch(new RegExp(`${SECRET}|${API_KEY}`));

    await lease.release('ok');
    await runner.shutdown();
    expect(client.terminated).toEqual(['sb-1']);
  });

  it('shares one sandbox between concurrent and later requests for the same competitor', async () => {
    const { client, runner } = setup();
    const [a, b] = await Promise.all([runner.acquire(agent, never), runner.acquire(agent, never)]);
    await a.release('ok');
    await b.release('ok');
    const c = await runner.acquire(agent, never);
    expect(client.created).toHaveLength(1);
    expect(c.baseUrl).toBe(a.baseUrl);
    await c.release('ok');
    expect(client.terminated).toEqual([]);
    await runner.shutdown();
  });

  it('retires a sandbox a lease reports failed: terminated once its last lease is back, the next request gets a new one', async () => {
    const { client, runner } = setup();
    const [a, b] = await Promise.all([runner.acquire(agent, never), runner.acquire(agent, never)]);
    await a.release('failed');
    expect(client.terminated).toEqual([]);
    await b.release('ok');
    expect(client.terminated).toEqual(['sb-1']);
    const c = await runner.acquire(agent, never);
    expect(c.baseUrl).toContain('/sb-2/');
    await c.release('ok');
    await runner.shutdown();
    expect(client.terminated).toEqual(['sb-1', 'sb-2']);
  });

  it('a competitor that never answers /health is a 504 and its sandbox is terminated', async () => {
    const { client, runner } = setup();
    client.onProbe = async () => ({ exitCode: 7, stdout: '', stderr: 'curl: (7) Failed to connect' });
    await expect(runner.acquire(agent, never)).rejects.toMatchObject({ status: 504, code: 'competitor_not_ready' });
    expect(client.terminated).toEqual(['sb-1']);
    expect(client.commands.length).toBeGreaterThan(2);
  });

  it('a sandbox without curl fails at once instead of timing out', async () => {
    const { client, runner } = setup();
    client.onProbe = async () => ({ exitCode: 127, stdout: '', stderr: 'sh: curl: not found' });
    await expect(runner.acquire(agent, never)).rejects.toMatchObject({ status: 502, code: 'sandy_sandbox_unusable' });
    expect(client.commands).toHaveLength(2);
    expect(client.terminated).toEqual(['sb-1']);
  });

  it('a failed pull or run is a 502 naming the exit code and output, and the sandbox is terminated', async () => {
    const { client, runner } = setup();
    client.onStart = async () => ({ exitCode: 1, stdout: '', stderr: 'Error response from daemon: manifest unknown' });
    const error = await runner.acquire(agent, never).catch((e: RunnerError) => e);
    expect(error).toMatchObject({ status: 502, code: 'competitor_start_failed' });
    expect((error as Error).message).toMatch(/exit 1.*manifest unknown/);
    expect(client.terminated).toEqual(['sb-1']);
  });

  it('a Sandy error during exec reaches the caller as it is, and the sandbox is terminated', async () => {
    const { client, runner } = setup();
    client.onStart = async () => {
      throw new RunnerError('the Sandy API failed with HTTP 500', 502, 'sandy_error');
    };
    await expect(runner.acquire(agent, never)).rejects.toMatchObject({ status: 502, code: 'sandy_error' });
    expect(client.terminated).toEqual(['sb-1']);
  });

  it('a failed creation leaves nothing to terminate', async () => {
    const { client, runner } = setup();
    client.onCreate = async () => {
      throw new RunnerError('the Sandy API refused the gateway credentials', 502, 'sandy_unauthorized');
    };
    await expect(runner.acquire(agent, never)).rejects.toMatchObject({ status: 502, code: 'sandy_unauthorized' });
    expect(client.terminated).toEqual([]);
    await runner.shutdown();
    expect(client.terminated).toEqual([]);
  });

  it('a caller that goes away while its sandbox starts gets a 499, and the sandbox nobody waits for is terminated', async () => {
    const { client, runner } = setup();
    let probed!: () => void;
    const probing = new Promise<void>((resolve) => (probed = resolve));
    client.onProbe = () => {
      probed();
      return new Promise<ExecResult>(() => undefined);
    };
    const caller = new AbortController();
    const acquiring = runner.acquire(agent, caller.signal);
    await probing;
    const terminated = client.nextTerminate();
    caller.abort();
    await expect(acquiring).rejects.toMatchObject({ status: 499, code: 'request_cancelled' });
    await terminated;
    expect(client.terminated).toEqual(['sb-1']);
  });

  it('terminates a sandbox nobody has leased for idleTimeoutMs', async () => {
    const { client, runner } = setup();
    const lease = await runner.acquire(agent, never);
    const terminated = client.nextTerminate();
    await lease.release('ok');
    await terminated;
    expect(client.terminated).toEqual(['sb-1']);
    await runner.shutdown();
    expect(client.terminated).toEqual(['sb-1']);
  });

  it('shutdown() terminates every sandbox, once, even leased ones; afterwards acquire is refused with 503', async () => {
    const { client, runner } = setup();
    await runner.acquire(agent, never);
    await runner.acquire({ ...agent, model: 'other' }, never);
    await Promise.all([runner.shutdown(), runner.shutdown()]);
    await runner.shutdown();
    expect([...client.terminated].sort()).toEqual(['sb-1', 'sb-2']);
    await expect(runner.acquire(agent, never)).rejects.toMatchObject({ status: 503, code: 'runner_closed' });
  });

  it('refuses a competitor without a valid image or with a bad env name before creating anything', async () => {
    const { client, runner } = setup();
    await expect(runner.acquire({ model: 'm' }, never)).rejects.toMatchObject({ status: 500, code: 'competitor_misconfigured' });
    const bad = runner.acquire({ model: 'm', image: 'x; rm -rf /', env: { 'A-B': '1' } }, never);
    await expect(bad).rejects.toThrow(/'image' = "x; rm -rf \/": must be an image reference.*'env' key "A-B"/);
    expect(client.created).toEqual([]);
  });
});

describe('shellQuote', () => {
  it.each([
    'plain',
    'localhost:5000/a/b:1.0@sha256:' + 'a'.repeat(64),
    '',
    "it's",
    'a b',
    '$(echo injected)',
    '`echo injected`; echo more #',
    'new\nline',
    '*',
  ])('the shell reads %j back as one word, unchanged', (word) => {
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' })).toBe(word);
  });

  it('quotes each word of a command on its own', () => {
    expect(shellCommand('docker', 'pull', "a'b")).toBe(`docker pull 'a'\\''b'`);
  });
});

describe('Sandy runner configuration', () => {
  it('takes the base URL and the key from the environment and fills defaults', () => {
    const c = sandyConfigFromEnv({ SANDY_BASE_URL: 'https://sandy.example.com/', SANDY_API_KEY: 'k' });
    expect(c).toMatchObject({ baseUrl: 'https://sandy.example.com', apiKey: 'k', competitorPort: 8080, readyTimeoutMs: 30_000 });
  });

  it('names every bad field with its value and what is allowed, and never shows the key', () => {
    let error: unknown;
    try {
      sandyConfigFromEnv({ SANDY_BASE_URL: 'ftp://sandy', SANDY_API_KEY: '' }, { competitorPort: 70000, readyTimeoutMs: 5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SandyConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`'baseUrl' = "ftp://sandy": must be an http(s) URL`);
    expect(message).toContain(`'apiKey' = (set, not shown): must not be empty (SANDY_API_KEY in the environment)`);
    expect(message).toContain(`'competitorPort' = 70000: must be an integer from 1 to 65535`);
    expect(message).toContain(`'readyTimeoutMs' = 5: must be at least 100 ms (sandbox ready)`);
    expect(() => sandyConfigFromEnv({ SANDY_BASE_URL: 'http://sandy' })).toThrow(`'apiKey' = (missing): must be set (SANDY_API_KEY in the environment)`);
    expect(() => parseSandyConfig({ baseUrl: 'http://s', apiKey: 'secret-key', nope: 1 })).toThrow(/unknown field\(s\) 'nope'/);
    expect(() => parseSandyConfig({ baseUrl: 'nope', apiKey: 'secret-key' })).not.toThrow(/secret-key/);
  });
});
