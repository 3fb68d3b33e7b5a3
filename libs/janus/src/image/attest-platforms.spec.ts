import { RegistryClient } from '../registry/registry-client';
import { attestPlatforms } from './attest-platforms';
import type { BuildProvenance } from './provenance';

const provenance: BuildProvenance = {
  startedOn: '2026-12-07T17:00:00.000Z',
  finishedOn: '2026-12-07T17:01:00.000Z',
  dockerfile: { path: 'apps/agent/Dockerfile', digest: `sha256:${'d'.repeat(64)}` },
  context: 'apps/agent',
  baseImages: [{ ref: 'docker.io/library/python:3.11-slim', digest: `sha256:${'b'.repeat(64)}` }],
  builder: { engine: 'docker', janus: '0.2.0' },
  source: { repository: 'https://example.com/acme/agents', commit: 'c'.repeat(40) },
};
const platform = {
  digest: `sha256:${'a'.repeat(64)}`,
  size: 500,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  platform: { os: 'linux', architecture: 'amd64' },
};
const record = {
  tags: ['v1'],
  buildArgs: { NPM_TOKEN: '<redacted>', MODE: 'prod' },
  secrets: [{ id: 'npmrc', spec: 'id=npmrc,src=/x' }],
  provenance,
  attestations: { sbom: false, provenance: true },
};

/** A registry that stores blobs and refuses or accepts manifests, recording every request. */
function registry(refuseManifests: boolean) {
  const seen: string[] = [];
  const bodies = new Map<string, string>();
  const fetch = (async (url: string, init: RequestInit) => {
    const u = new URL(url);
    seen.push(`${init.method} ${u.pathname}`);
    if (init.method === 'HEAD') return new Response(null, { status: 404 });
    if (init.method === 'POST') return new Response(null, { status: 202, headers: { location: `${u.pathname}x` } });
    if (u.pathname.includes('/manifests/') && refuseManifests)
      return new Response('{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid"}]}', { status: 400 });
    bodies.set(u.pathname + u.search, Buffer.from(init.body as Uint8Array).toString('utf8'));
    return new Response(null, { status: 201 });
  }) as typeof globalThis.fetch;
  const target = { client: new RegistryClient('http://127.0.0.1:1', { fetch, retries: 0 }), registry: '127.0.0.1:1', repository: 'acme/agent' };
  return { seen, bodies, target };
}

describe('attestations of the platform images', () => {
  it('upload the in-toto statements, config and manifest by digest, never under a tag', async () => {
    const r = registry(false);
    const { descriptors } = await attestPlatforms(r.target, [platform], record, () => undefined);
    expect(descriptors).toEqual([
      expect.objectContaining({ annotations: { 'vnd.docker.reference.digest': platform.digest, 'vnd.docker.reference.type': 'attestation-manifest' } }),
    ]);
    expect(r.seen.filter((s) => s.startsWith('PUT /v2/acme/agent/manifests/'))).toEqual([`PUT /v2/acme/agent/manifests/${descriptors[0].digest}`]);
    const statement = JSON.parse([...r.bodies.values()].find((b) => b.includes('"_type"'))!);
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v1',
      subject: [{ name: 'pkg:docker/127.0.0.1:1/acme/agent@v1?platform=linux%2Famd64', digest: { sha256: 'a'.repeat(64) } }],
      predicate: {
        buildDefinition: { externalParameters: { buildArgs: { NPM_TOKEN: '<redacted>', MODE: 'prod' }, secrets: ['npmrc'] } },
        runDetails: { metadata: { startedOn: provenance.startedOn, finishedOn: provenance.finishedOn } },
      },
    });
    expect(JSON.stringify(statement)).not.toContain('src=/x');
  });

  it('a registry that refuses them fails the step (so the index, which goes up after, never does)', async () => {
    const r = registry(true);
    await expect(attestPlatforms(r.target, [platform], record, () => undefined)).rejects.toThrow(/MANIFEST_INVALID/);
    expect(r.seen.some((s) => /manifests\/v1$/.test(s))).toBe(false);
  });
});
