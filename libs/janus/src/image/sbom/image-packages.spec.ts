import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { cycloneDxDocument } from './cyclonedx-document';
import { finalFiles, type ImageLayer, SbomError } from './image-files';
import { countPackages, imagePackages } from './image-packages';

type Entry = { name: string; body?: string; type?: 'file' | 'symlink' | 'link' | 'directory'; linkname?: string };

/** A gzipped tar layer, as a registry serves one. */
async function layer(digest: string, entries: Entry[]): Promise<ImageLayer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname }, e.body ?? '');
  p.finalize();
  await done;
  const bytes = gzipSync(Buffer.concat(chunks));
  return { digest, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', read: async () => bytes };
}

const STATUS = `Package: python3.11
Status: install ok installed
Architecture: amd64
Version: 3.11.2-6+deb12u8
Description: Interactive high-level object-oriented language
 (version 3.11)

Package: gone
Status: deinstall ok config-files
Version: 1.0
`;
const METADATA =
  'Metadata-Version: 2.1\nName: Fast_API\nVersion: 0.92.0\nClassifier: License :: OSI Approved :: MIT License\n\nlong description: with a colon\n';

describe('an image read from its layers', () => {
  it('lists dpkg (status and distroless status.d), Python and npm packages with versions, licences and purls', async () => {
    const packages = await imagePackages([
      await layer('sha256:base', [
        { name: 'etc/os-release', body: 'ID=debian\nVERSION_ID="12"\n' },
        { name: 'var/lib/dpkg/status', body: STATUS },
        { name: 'var/lib/dpkg/status.d/tzdata', body: 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n' },
        { name: 'var/lib/dpkg/status.d/tzdata.md5sums', body: 'abc  usr/share/zoneinfo/UTC\n' },
        { name: 'usr/share/doc/tzdata/copyright', body: 'Files: *\nLicense: public-domain\n\nFiles: x\nLicense: GPL-2+\n' },
      ]),
      await layer('sha256:app', [
        { name: 'opt/venv/lib/python3.11/site-packages/fast_api-0.92.0.dist-info/METADATA', body: METADATA },
        { name: 'app/node_modules/@scope/pkg/package.json', body: JSON.stringify({ name: '@scope/pkg', version: '1.2.3', license: 'MIT OR Apache-2.0' }) },
        { name: 'app/node_modules/@scope/pkg/test/fixture/package.json', body: '{"name":"fixture","version":"0.0.0"}' },
      ]),
    ]);
    expect(packages.map((p) => `${p.ecosystem} ${p.name} ${p.version} [${p.licenses.join('|')}] ${p.purl} ${p.layer}`)).toEqual([
      'deb python3.11 3.11.2-6+deb12u8 [] pkg:deb/debian/python3.11@3.11.2-6%2Bdeb12u8?arch=amd64&distro=debian-12 sha256:base',
      'deb tzdata 2024a-0+deb12u1 [GPL-2+|public-domain] pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12 sha256:base',
      'npm @scope/pkg 1.2.3 [MIT OR Apache-2.0] pkg:npm/%40scope/pkg@1.2.3 sha256:app',
      'python Fast_API 0.92.0 [MIT License] pkg:pypi/fast-api@0.92.0 sha256:app',
    ]);
    expect(countPackages(packages)).toEqual({ deb: 2, python: 1, npm: 1, binary: 0 });
  });

  it('applies later layers as the engine does: whiteouts, opaque directories and links remove what lay below', async () => {
    const wanted = () => true;
    const files = await finalFiles(
      [
        await layer('sha256:1', [{ name: 'a/x' }, { name: 'a/y' }, { name: 'b/z' }, { name: 'c/d/e' }, { name: 'keep' }]),
        await layer('sha256:2', [
          { name: 'a/.wh.x' },
          { name: 'b/.wh..wh..opq' },
          { name: 'b/new' },
          { name: 'c', type: 'symlink', linkname: 'elsewhere' },
          { name: 'keep-link', type: 'link', linkname: 'b/new' },
        ]),
      ],
      wanted,
    );
    expect([...files.keys()].sort()).toEqual(['a/y', 'b/new', 'keep', 'keep-link']);
    expect(files.get('keep')?.layer).toBe('sha256:1');
  });

  it('a python binary with no package database is listed by the version compiled into it', async () => {
    const packages = await imagePackages([await layer('sha256:s', [{ name: 'usr/bin/python3.11', body: 'ELF\0garbage\x003.11.2\0more' }])]);
    expect(packages.map((p) => `${p.name} ${p.version} ${p.purl}`)).toEqual(['python 3.11.2 pkg:generic/python@3.11.2']);
  });

  it('a package database it cannot read, or a layer that is not a tar stream, fails naming the layer and path', async () => {
    const rpm = imagePackages([await layer('sha256:rpm', [{ name: 'var/lib/rpm/rpmdb.sqlite', body: 'x' }])]);
    await expect(rpm).rejects.toThrow(/layer sha256:rpm, path \/var\/lib\/rpm\/rpmdb\.sqlite: a package database janus does not read/);
    const broken: ImageLayer = { digest: 'sha256:bad', mediaType: '', read: async () => gzipSync(Buffer.from('not a tar archive at all'.repeat(40))) };
    await expect(imagePackages([broken])).rejects.toThrow(SbomError);
    await expect(imagePackages([broken])).rejects.toThrow(/layer sha256:bad/);
    const unreadable: ImageLayer = { digest: 'sha256:gone', mediaType: '', read: async () => Promise.reject(new Error('404 blob unknown')) };
    await expect(imagePackages([unreadable])).rejects.toThrow('cannot produce the SBOM: layer sha256:gone: 404 blob unknown');
  });

  it('the CycloneDX document is made by the library and is the same for the same image', async () => {
    const packages = await imagePackages([
      await layer('sha256:n', [{ name: 'node_modules/express/package.json', body: '{"name":"express","version":"4.21.2","license":"MIT"}' }]),
    ]);
    const subject = { repository: 'r/app', digest: 'sha256:abc', platform: 'linux/arm64' };
    const doc = cycloneDxDocument(subject, packages, '0.2.0');
    expect(doc).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      metadata: { component: { type: 'container', name: 'r/app', version: 'sha256:abc' } },
    });
    expect(doc.components).toEqual([
      expect.objectContaining({ name: 'express', version: '4.21.2', purl: 'pkg:npm/express@4.21.2', licenses: [{ license: { id: 'MIT' } }] }),
    ]);
    expect(JSON.stringify(cycloneDxDocument(subject, packages, '0.2.0'))).toBe(JSON.stringify(doc));
  });
});
