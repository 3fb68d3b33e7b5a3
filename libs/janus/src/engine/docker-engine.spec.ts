import { standInEngine, type StandInEngine } from '../../../janus-testing/src/stand-in-engine';
import { DockerEngine } from './docker-engine';

/** One stdout frame of Docker's multiplexed stream. */
function frame(text: string): Buffer {
  const head = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);
  head.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([head, Buffer.from(text)]);
}

// The Docker adapter, on a stand-in engine at a socket path given to its constructor (as Podman's would be):
// "already so" answers are no error, other failures keep the engine's status, and logs come demultiplexed.
describe('the Docker engine behind the door', () => {
  // The first call through dockerode loads it: seconds on a busy 2-core machine, not a hang.
  jest.setTimeout(30_000);
  let standIn: StandInEngine;
  let engine: DockerEngine;
  const seen: string[] = [];
  /** What /version says the engine is, and the bodies of the creates it was sent. */
  let versionName = 'Engine';
  const created: Array<{ HostConfig?: { ExtraHosts?: string[] } }> = [];

  beforeAll(async () => {
    standIn = await standInEngine((req, res) => {
      const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0];
      seen.push(`${req.method} ${path}`);
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === '/_ping') return res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      if (path === '/containers/stopped/stop') return res.writeHead(304).end();
      if (path === '/containers/gone/stop' || path === '/containers/gone') return json(404, { message: 'No such container: gone' });
      if (path === '/containers/going') return json(409, { message: 'removal of container going is already in progress' });
      if (path === '/containers/busy/stop') return json(500, { message: 'cannot stop container: permission denied' });
      if (path === '/containers/chatty/logs')
        return res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' }).end(Buffer.concat([frame('hello\n'), frame('world\n')]));
      if (path === '/images/old:1') return json(404, { message: 'No such image: old:1' });
      if (path === '/events') {
        const event = (id: string, Action: string) => JSON.stringify({ Type: 'container', Action, Actor: { ID: id, Attributes: { name: 'web-1' } }, time: 1 });
        // Split mid-line on purpose: events arrive in chunks that do not follow line ends.
        const text = `${event('c1', 'start')}\n${event('c1', 'die')}\n`;
        res.writeHead(200, { 'content-type': 'application/json' }).write(text.slice(0, 30));
        return void setTimeout(() => res.end(text.slice(30)), 20);
      }
      if (path === '/version') return json(200, { Components: [{ Name: versionName, Version: '1' }] });
      if (path === '/containers/create') {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        return void req.on('end', () => {
          created.push(JSON.parse(body));
          json(201, { Id: 'new', Warnings: [] });
        });
      }
      if (path === '/containers/new/start') return res.writeHead(204).end();
      if (path === '/containers/json') return json(200, [{ Id: 'c1', Names: ['/web-1'], State: 'running', Labels: { a: 'b' } }]);
      return json(500, { message: `unexpected ${req.method} ${path}` });
    });
    engine = new DockerEngine(standIn.socketPath);
  });
  afterAll(() => standIn.close());

  it('is reached at the socket it was given', async () => {
    expect(engine.endpoint).toBe(`unix://${standIn.socketPath}`);
    await engine.ping();
    expect(seen).toContain('GET /_ping');
  });

  // Podman 4.3 refuses `host-gateway` ("invalid IP address in add-host") and names the host itself.
  it.each([
    ['Engine', 'host.docker.internal', ['host.docker.internal:host-gateway']],
    ['Podman Engine', 'host.containers.internal', undefined],
  ])('lets a container reach the host the way the engine behind the socket (%s) has', async (name, host, extraHosts) => {
    versionName = name;
    const fresh = new DockerEngine(standIn.socketPath);
    expect(await fresh.containers.hostName()).toBe(host);
    created.splice(0);
    await fresh.containers.run('img', { reachHost: true });
    await fresh.containers.run('img', {});
    expect(created.map((c) => c.HostConfig?.ExtraHosts)).toEqual([extraHosts, undefined]);
  });

  it('takes a stopped, removed or already-going container as done', async () => {
    await expect(engine.containers.stop('stopped', 1)).resolves.toBeUndefined();
    await expect(engine.containers.stop('gone', 1)).resolves.toBeUndefined();
    await expect(engine.containers.remove('gone')).resolves.toBe(false);
    await expect(engine.containers.remove('going')).resolves.toBe(false);
    await expect(engine.images.remove('old:1')).resolves.toBe(false);
  });

  it("fails on anything else, with the engine's status and message", async () => {
    await expect(engine.containers.stop('busy', 1)).rejects.toMatchObject({ statusCode: 500, message: expect.stringContaining('permission denied') });
  });

  it('reads events as whole records, however the stream splits them', async () => {
    const seenEvents: string[] = [];
    for await (const e of engine.events({ type: 'container' }, new AbortController().signal)) seenEvents.push(`${e.id} ${e.action} ${e.attributes.name}`);
    expect(seenEvents).toEqual(['c1 start web-1', 'c1 die web-1']);
  });

  it('answers logs as text, frames removed, and containers without the Engine API shapes', async () => {
    expect(await engine.containers.logs('chatty', { tail: 10 })).toBe('hello\nworld\n');
    expect(await engine.containers.list({ labels: ['a=b'] })).toEqual([{ id: 'c1', name: 'web-1', state: 'running', labels: { a: 'b' } }]);
  });
});
