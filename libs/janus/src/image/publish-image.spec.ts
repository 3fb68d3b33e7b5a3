import { MediaType } from '../oci/media-types';
import { RegistryClient, sha256Digest } from '../registry/registry-client';
import { preparePublication, stagingTag } from './publish-image';

// An in-memory registry behind the client's fetch: tags to manifest bodies, with a PUT that fails on demand.
function memoryRegistry(failPutOf: (tag: string, attempt: number) => boolean) {
  const tags = new Map<string, string>();
  const puts: string[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const tag = String(url).split('/manifests/')[1];
    const method = init?.method ?? 'GET';
    if (method === 'PUT') {
      puts.push(tag);
      if (failPutOf(tag, puts.filter((t) => t === tag).length)) return new Response('storage failed', { status: 500 });
      tags.set(tag, Buffer.from(init!.body as Uint8Array).toString('utf8'));
      return new Response(null, { status: 201 });
    }
    const body = tags.get(tag) ?? [...tags.values()].find((b) => sha256Digest(b) === tag);
    if (!body) return new Response(null, { status: 404 });
    const headers = { 'docker-content-digest': sha256Digest(body), 'content-type': MediaType.dockerManifestList };
    return new Response(method === 'HEAD' ? null : body, { status: 200, headers });
  };
  return { tags, puts, client: new RegistryClient('http://registry.test', { fetch: fetch as typeof globalThis.fetch, backoffMs: 1, retries: 1 }) };
}

const platform = (n: string) => ({
  digest: `sha256:${n.repeat(64)}`,
  size: 10,
  mediaType: MediaType.dockerManifest,
  platform: { os: 'linux', architecture: 'amd64' },
});

describe('publishing the list under release tags', () => {
  it('puts tags already moved back on their previous list when a later tag fails, and says so', async () => {
    const reg = memoryRegistry((tag) => tag === 'latest');
    const old = preparePublication({ client: reg.client, registry: 'registry.test', repository: 'app' }, ['1.2', 'latest'], [platform('a')]);
    await old.publish(() => undefined).catch(() => undefined);
    reg.tags.set('latest', reg.tags.get('1.2')!);
    const before = new Map(reg.tags);

    const next = preparePublication({ client: reg.client, registry: 'registry.test', repository: 'app' }, ['1.2', 'latest'], [platform('b')]);
    await expect(next.publish(() => undefined)).rejects.toThrow(
      /→ 500: storage failed\npublishing stopped: 1 of 2 tags were not moved; put back on their previous list: 1.2/,
    );
    expect(reg.tags).toEqual(before);
  });

  it('names staging tags after the image, so they never move to another build', () => {
    expect(stagingTag(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe('build-0123456789abcdef');
  });
});
