import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { explainPlatformMismatch, indexPlatforms } from './platform-mismatch';

const INDEX = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
    { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { digest: 'sha256:c', platform: { os: 'unknown', architecture: 'unknown' } },
  ],
};

describe("BuildKit's platform mismatch, explained", () => {
  let registry: Server;
  let host = '';
  beforeAll(async () => {
    // A registry that has one image index, as the local registry and Docker Hub answer for a multi-arch tag.
    registry = createServer((req, res) => {
      if (req.url === '/v2/library/python/manifests/3.11-slim') {
        res.writeHead(200, { 'content-type': INDEX.mediaType });
        res.end(req.method === 'HEAD' ? undefined : JSON.stringify(INDEX));
      } else res.writeHead(req.url === '/v2/' ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => registry.close(resolve)));

  it('lists the platforms of an index, without attestation entries', () => {
    expect(indexPlatforms(INDEX)).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(indexPlatforms({ schemaVersion: 2, layers: [] })).toBeUndefined();
  });

  it('names the image, the platform asked for and the platforms it offers, instead of a manifest digest', async () => {
    const buildkit = new Error(
      `docker build failed (exit 1): ERROR: failed to solve: ${host}/library/python:3.11-slim: no match for platform in manifest sha256:${'2'.repeat(64)}: not found`,
    );
    const explained = (await explainPlatformMismatch(buildkit, 'linux/s390x', undefined, [])) as Error;
    expect(explained.message).toBe(
      `[linux/s390x] the base image ${host}/library/python:3.11-slim has no linux/s390x variant (it offers linux/amd64, linux/arm64/v8); build only for platforms it offers (--platforms), or choose a base image that has linux/s390x`,
    );
    // A Docker Hub short name is looked up through the engine's mirrors, as the build resolved it.
    const viaMirror = (await explainPlatformMismatch(
      new Error(`ERROR: failed to solve: python:3.11-slim: no match for platform in manifest sha256:${'3'.repeat(64)}: not found`),
      'linux/s390x',
      undefined,
      [`http://${host}`],
    )) as Error;
    expect(viaMirror.message).toMatch(/the base image python:3.11-slim has no linux\/s390x variant \(it offers linux\/amd64, linux\/arm64\/v8\)/);
  });

  it('leaves every other failure as it was', async () => {
    const other = new Error('failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1');
    expect(await explainPlatformMismatch(other, 'linux/amd64', 'python:3.11-slim', [])).toBe(other);
  });
});
