import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import type { ContainerEngine } from '../../../engine/container-engine';
import { platformSize } from './size-budget';

/** A `docker save` tarball of an image with these layers (each a tar of the given files). */
function savedImage(layers: Array<{ createdBy: string; files: Record<string, number> }>): Promise<Buffer> {
  const layerTar = (files: Record<string, number>) =>
    new Promise<Buffer>((resolve) => {
      const p = pack();
      for (const [name, size] of Object.entries(files)) p.entry({ name: name.slice(1), size }, Buffer.alloc(size));
      p.finalize();
      const chunks: Buffer[] = [];
      p.on('data', (c) => chunks.push(c as Buffer)).on('end', () => resolve(Buffer.concat(chunks)));
    });
  return (async () => {
    const outer = pack();
    const names = layers.map((_, i) => `l${i}/layer.tar`);
    for (const [i, l] of layers.entries()) outer.entry({ name: names[i] }, await layerTar(l.files));
    outer.entry({ name: 'config.json' }, JSON.stringify({ history: layers.map((l) => ({ created_by: l.createdBy })) }));
    outer.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'config.json', Layers: names }]));
    outer.finalize();
    const chunks: Buffer[] = [];
    for await (const c of outer) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  })();
}

describe('platformSize: the layer listing cache', () => {
  let dir = '';
  let cacheFile = '';
  let saves = 0;
  const base = { createdBy: 'COPY /rootfs / # buildkit', files: { '/usr/bin/python3': 5e6, '/usr/lib/libc.so': 2e6 } };
  const app = (n: number) => ({ createdBy: 'COPY app ./app # buildkit', files: { '/app/main.py': n } });
  const engineSaving = (layers: Parameters<typeof savedImage>[0]) =>
    ({
      images: {
        save: async () => {
          saves++;
          const { Readable } = await import('node:stream');
          return Readable.from([await savedImage(layers)]);
        },
      },
    }) as unknown as ContainerEngine;
  const size = (layers: Parameters<typeof savedImage>[0]) => layers.reduce((s, l) => s + Object.values(l.files).reduce((a, b) => a + b, 0), 0);
  const measure = (layers: Parameters<typeof savedImage>[0], diffIds: string[], budgetMb = 100) =>
    platformSize({ platform: 'linux/amd64', imageId: 'sha256:img', size: size(layers), diffIds, budgetMb, cacheFile }, engineSaving(layers));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'janus-layer-cache-'));
    cacheFile = join(dir, 'janus-layer-files.json');
    saves = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the image once, then lists the same layers from the cache without reading it again', async () => {
    const first = await measure([base, app(3000)], ['sha256:base', 'sha256:app1']);
    const again = await measure([base, app(3000)], ['sha256:base', 'sha256:app1']);
    expect(saves).toBe(1);
    expect(again.layers.map((l) => [l.createdBy, l.size, [...l.files]])).toEqual(first.layers.map((l) => [l.createdBy, l.size, [...l.files]]));
  });

  it('sums a new layer under 1% of the budget up unlisted instead of reading the whole image', async () => {
    await measure([base, app(3000)], ['sha256:base', 'sha256:app1']);
    const changed = await measure([base, app(4000)], ['sha256:base', 'sha256:app2']);
    expect(saves).toBe(1);
    expect(changed.layers.map((l) => [l.createdBy, l.size])).toEqual([
      ['COPY /rootfs / # buildkit', 7e6],
      ['1 new layer (under 1% of the budget: files not listed)', 4000],
    ]);
  });

  it('reads the image for a new layer of 1% of the budget or more, and for an image over budget', async () => {
    await measure([base, app(3000)], ['sha256:base', 'sha256:app1']);
    const big = await measure([base, app(2e6)], ['sha256:base', 'sha256:app2']);
    expect(saves).toBe(2);
    expect(big.layers[1].files.get('/app/main.py')).toBe(2e6);
    await measure([base, app(2e6)], ['sha256:base', 'sha256:app2'], 5);
    expect(saves).toBe(3);
  });

  it('reads the image when the cache file is damaged, and rewrites it', async () => {
    writeFileSync(cacheFile, '{"sha256:base": {"size": "no"');
    await measure([base, app(3000)], ['sha256:base', 'sha256:app1']);
    await measure([base, app(3000)], ['sha256:base', 'sha256:app1']);
    expect(saves).toBe(1);
  });

  it('reads the image when the engine names no layers', async () => {
    await measure([base], []);
    await measure([base], []);
    expect(saves).toBe(2);
  });
});
