import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { findSecretsInSavedImage, NeedleScanner } from './secret-scan';

function tarOf(entries: Array<[string, Buffer | string]>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of entries) p.entry({ name }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    p.on('data', (c) => chunks.push(c as Buffer));
    p.on('end', () => resolve(Buffer.concat(chunks)));
    p.on('error', reject);
  });
}

describe('secret scan of a saved image', () => {
  it('finds a needle split across chunks', () => {
    const s = new NeedleScanner(['s3cr3t-value', 'absent']);
    s.feed(Buffer.from('...s3cr'));
    s.feed(Buffer.from('3t-val'));
    s.feed(Buffer.from('ue...'));
    expect([...s.found]).toEqual([0]);
  });

  it('finds values inside plain and gzipped layers, naming the entry, and nothing else', async () => {
    const layer = await tarOf([['app/leak.txt', 'token=s3cr3t-value\n']]);
    const gzLayer = gzipSync(await tarOf([['etc/other', 'another-secret']]));
    const saved = await tarOf([
      ['manifest.json', '[]'],
      ['abc/layer.tar', layer],
      ['blobs/sha256/def', gzLayer],
      ['clean/layer.tar', await tarOf([['x', 'nothing here']])],
    ]);
    const findings = await findSecretsInSavedImage(Readable.from([saved]), ['s3cr3t-value', 'another-secret', 'not-there']);
    expect(findings).toEqual([
      { secret: 0, entry: 'abc/layer.tar' },
      { secret: 1, entry: 'blobs/sha256/def' },
    ]);
  });
});
