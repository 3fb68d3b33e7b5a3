import { dirname, join } from 'node:path';
import { standInEngine, type StandInEngine } from '../../../janus-testing/src/stand-in-engine';
import { EngineApiError, localEngineSocket } from './engine-api';
import { SocketEngineApi } from './socket-engine-api';

// A stand-in engine on a unix socket: the client must speak the Engine API's paths and read its answers the
// way dockerode does (404 on inspect means "no such image", other failures carry the engine's message).
describe('the Engine API over a local socket', () => {
  let standIn: StandInEngine;
  const seen: string[] = [];
  let api: SocketEngineApi;

  beforeAll(async () => {
    standIn = await standInEngine((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/_ping') return res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      if (req.url === '/images/app:1/json') return json(200, { Id: 'sha256:abc', RepoTags: ['app:1'] });
      if (req.url?.startsWith('/images/missing')) return json(404, { message: 'No such image: missing' });
      if (req.url === '/images/sha256:abc/tag?repo=localhost%3A5000%2Fapp&tag=v2') return res.writeHead(201).end();
      if (req.url === '/images/sha256:abc?noprune=false') return json(409, { message: 'image is being used by running container' });
      return json(500, { message: 'unexpected' });
    });
    api = new SocketEngineApi(standIn.socketPath);
  });
  afterAll(() => standIn.close());

  it('pings, inspects and tags', async () => {
    await api.ping();
    expect(await api.inspectImage('app:1')).toMatchObject({ Id: 'sha256:abc' });
    expect(await api.inspectImage('missing:1')).toBeUndefined();
    await api.tagImage('sha256:abc', 'localhost:5000/app', 'v2');
    expect(seen).toContain('POST /images/sha256:abc/tag?repo=localhost%3A5000%2Fapp&tag=v2');
  });

  it("fails with the engine's status and message", async () => {
    const error = await api.removeImage('sha256:abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineApiError);
    expect(error).toMatchObject({ statusCode: 409, message: '(HTTP code 409) image is being used by running container' });
  });

  it('reports an engine that is not there by its connection error', async () => {
    await expect(new SocketEngineApi(join(dirname(standIn.socketPath), 'nope.sock')).ping()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('speaks to local sockets itself and leaves other DOCKER_HOSTs to dockerode', () => {
    expect(localEngineSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe('/run/user/1000/docker.sock');
    expect(localEngineSocket({ DOCKER_HOST: 'tcp://10.0.0.2:2376' })).toBeUndefined();
    expect(localEngineSocket({ DOCKER_HOST: 'ssh://me@host' })).toBeUndefined();
  });
});
