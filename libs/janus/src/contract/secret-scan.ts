import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

export interface SecretFinding {
  /** Index into the values searched for: the report names secrets by number, never by value. */
  secret: number;
  /** The entry of the saved image it was found in, e.g. `<layer id>/layer.tar` or `blobs/sha256/…`. */
  entry: string;
}

/** Finds which needles occur in a stream, across chunk boundaries, without holding the stream in memory. */
export class NeedleScanner {
  private readonly needles: Array<{ index: number; bytes: Buffer }>;
  private readonly keep: number;
  private carry: Buffer = Buffer.alloc(0);
  readonly found = new Set<number>();

  constructor(values: string[]) {
    this.needles = values.map((v, index) => ({ index, bytes: Buffer.from(v, 'utf8') })).filter((n) => n.bytes.length > 0);
    this.keep = Math.max(0, ...this.needles.map((n) => n.bytes.length - 1));
  }

  get done(): boolean {
    return this.found.size === this.needles.length;
  }

  feed(chunk: Buffer): void {
    const window = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    for (const n of this.needles) if (!this.found.has(n.index) && window.includes(n.bytes)) this.found.add(n.index);
    this.carry = window.subarray(Math.max(0, window.length - this.keep));
  }
}

/**
 * Layers are plain tars in `docker save` output; an OCI layout may hold gzip blobs, which hide their contents
 * from a byte search unless unpacked, so the first bytes decide.
 */
function scanEntry(stream: NodeJS.EventEmitter, values: string[]): Promise<Set<number>> {
  return new Promise((resolve, reject) => {
    const scanner = new NeedleScanner(values);
    let sink: ((chunk: Buffer) => void) | undefined;
    let gunzip: ReturnType<typeof createGunzip> | undefined;
    stream.on('data', (chunk: Buffer) => {
      if (!sink) {
        if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
          const unpacking = createGunzip();
          unpacking.on('data', (c: Buffer) => scanner.feed(c));
          unpacking.on('end', () => resolve(scanner.found));
          unpacking.on('error', reject);
          gunzip = unpacking;
          sink = (c) => unpacking.write(c);
        } else {
          sink = (c) => scanner.feed(c);
        }
      }
      sink(chunk);
    });
    stream.on('end', () => (gunzip ? gunzip.end() : resolve(scanner.found)));
    stream.on('error', reject);
  });
}

/**
 * Searches every file of a saved image (`docker save`: config, manifests and every layer, deleted files
 * included, since a later layer's delete does not remove the bytes from an earlier one) for the values.
 */
export async function findSecretsInSavedImage(saved: NodeJS.ReadableStream, values: string[]): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  if (values.length === 0) return findings;
  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      scanEntry(stream, values)
        .then((found) => {
          for (const secret of found) findings.push({ secret, entry: header.name });
          next();
        })
        .catch(reject);
    });
    tar.on('finish', resolve);
    tar.on('error', reject);
    saved.on('error', reject);
  });
  saved.pipe(tar);
  await done;
  return findings;
}
