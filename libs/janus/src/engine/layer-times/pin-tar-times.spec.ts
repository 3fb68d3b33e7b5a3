import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import { PinTarTimes } from './pin-tar-times';

const EPOCH = 1_700_000_000;

async function tarOf(
  entries: Array<{ name: string; mtime: number; body?: string; type?: 'file' | 'directory' | 'symlink'; linkname?: string; pax?: Record<string, string> }>,
): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    p.entry({ name: e.name, mtime: new Date(e.mtime * 1000), type: e.type ?? 'file', linkname: e.linkname, pax: e.pax }, e.body ?? '');
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Feeds the bytes in small, unaligned chunks, as a socket would. */
async function clamp(bytes: Buffer, chunk = 100): Promise<{ out: Buffer; changed: boolean }> {
  const t = new PinTarTimes(EPOCH);
  const out: Buffer[] = [];
  t.on('data', (c: Buffer) => out.push(c));
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  await pipeline(Readable.from(parts), t);
  return { out: Buffer.concat(out), changed: t.changed };
}

async function entriesOf(bytes: Buffer): Promise<Array<{ name: string; mtime: number; body: string; linkname?: string; pax?: Record<string, string> }>> {
  const x = extract();
  const seen: Array<{ name: string; mtime: number; body: string; linkname?: string; pax?: Record<string, string> }> = [];
  x.on('entry', (h, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
    stream.on('end', () => {
      seen.push({
        name: h.name,
        mtime: h.mtime!.getTime() / 1000,
        body: Buffer.concat(chunks).toString(),
        linkname: h.linkname ?? undefined,
        pax: (h.pax as Record<string, string> | undefined) ?? undefined,
      });
      next();
    });
  });
  await pipeline(Readable.from([bytes]), x);
  return seen;
}

describe('PinTarTimes', () => {
  it("sets every entry's time to the epoch and leaves names, contents and links alone", async () => {
    const input = await tarOf([
      { name: 'app/', mtime: EPOCH + 5000, type: 'directory' },
      { name: 'app/main.py', mtime: EPOCH + 10, body: 'print(1)\n'.repeat(100) },
      { name: 'app/old.txt', mtime: EPOCH - 10, body: 'old' },
      { name: 'app/link', mtime: EPOCH + 1, type: 'symlink', linkname: 'main.py' },
    ]);
    const { out, changed } = await clamp(input);
    expect(changed).toBe(true);
    expect(out.length).toBe(input.length);
    expect(await entriesOf(out)).toEqual([
      { name: 'app/', mtime: EPOCH, body: '' },
      { name: 'app/main.py', mtime: EPOCH, body: 'print(1)\n'.repeat(100) },
      { name: 'app/old.txt', mtime: EPOCH, body: 'old' },
      { name: 'app/link', mtime: EPOCH, body: '', linkname: 'main.py' },
    ]);
  });

  it('gives the same bytes for the same files whatever their times were (older ones too), and changes nothing already pinned', async () => {
    const at = (t: number) => tarOf([{ name: 'a.txt', mtime: t, body: 'same' }]);
    expect((await clamp(await at(EPOCH + 1))).out.equals((await clamp(await at(EPOCH + 99_999), 7)).out)).toBe(true);
    expect((await clamp(await at(EPOCH - 1))).out.equals((await clamp(await at(EPOCH + 5))).out)).toBe(true);
    const old = await at(EPOCH);
    const { out, changed } = await clamp(old);
    expect(changed).toBe(false);
    expect(out.equals(old)).toBe(true);
  });

  it('sets times held in PAX records, recounting their lengths', async () => {
    const long = `deep/${'x'.repeat(120)}.txt`;
    const input = await tarOf([{ name: long, mtime: EPOCH + 7, body: 'long', pax: { mtime: `${EPOCH + 7}.123456789`, atime: `${EPOCH - 9}` } }]);
    const [entry] = await entriesOf((await clamp(input)).out);
    expect(entry.name).toBe(long);
    expect(entry.body).toBe('long');
    expect(entry.mtime).toBe(EPOCH);
    expect(entry.pax).toMatchObject({ mtime: String(EPOCH), atime: String(EPOCH), path: long });
  });

  it('passes a stream that is not a tar through untouched', async () => {
    const json = Buffer.from(JSON.stringify({ architecture: 'amd64', padding: 'p'.repeat(2000) }));
    const { out, changed } = await clamp(json);
    expect(changed).toBe(false);
    expect(out.equals(json)).toBe(true);
  });
});
