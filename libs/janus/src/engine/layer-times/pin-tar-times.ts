import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;
const MTIME = { offset: 136, length: 12 };
const SIZE = { offset: 124, length: 12 };
const CHECKSUM = { offset: 148, length: 8 };
const TYPEFLAG = 156;
// Go's archive/tar (which wrote these layers) reads no data after these entry types, whatever their size says.
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);
const PAX_TIMES = new Set(['mtime', 'atime', 'ctime']);

function readOctal(block: Buffer, field: { offset: number; length: number }): number | undefined {
  if (block[field.offset] & 0x80) return undefined; // base-256: a value no layer of ours holds; left alone
  const text = block
    .subarray(field.offset, field.offset + field.length)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function writeOctal(block: Buffer, field: { offset: number; length: number }, value: number): void {
  block.write(value.toString(8).padStart(field.length - 1, '0') + '\0', field.offset, field.length, 'latin1');
}

function setChecksum(block: Buffer): void {
  block.fill(0x20, CHECKSUM.offset, CHECKSUM.offset + CHECKSUM.length);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', CHECKSUM.offset, CHECKSUM.length, 'latin1');
}

function isUstar(block: Buffer): boolean {
  return block.subarray(257, 262).toString('latin1') === 'ustar';
}

/** PAX records (`<len> key=value\n`) with their times pinned; lengths recounted, since a record's length counts itself. */
function pinPaxRecords(data: Buffer, epoch: number): { data: Buffer; changed: boolean } {
  const records: Array<[string, string]> = [];
  let changed = false;
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = parseInt(data.subarray(at, space).toString('latin1'), 10);
    if (space < 0 || !Number.isFinite(length) || length <= 0) return { data, changed: false };
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    let value = record.slice(eq + 1);
    if (PAX_TIMES.has(key) && value !== String(epoch)) {
      value = String(epoch);
      changed = true;
    }
    records.push([key, value]);
    at += length;
  }
  if (!changed) return { data, changed };
  const encoded = records.map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(body) + 1;
    while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
    return `${length}${body}`;
  });
  return { data: Buffer.from(encoded.join(''), 'utf8'), changed };
}

/**
 * Rewrites a layer tar so that every entry's time is `epoch` (seconds), as podman's `--timestamp` does:
 * BuildKit stamps the directories a COPY creates or writes into with the wall-clock time of the build and
 * the files with their checkout times, and a layer restored from a build cache keeps the times of the build
 * that made it, so the same COPY yields a different layer digest on every machine. Setting (not clamping)
 * makes the result independent of what any cache held. Only times change; every other byte of the tar stays
 * as the engine wrote it. A stream that is not a tar (a config blob) passes through untouched.
 */
export class PinTarTimes extends Transform {
  /** Whether any entry had another time, i.e. whether the output differs from the input. */
  changed = false;
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of entry data (with padding) still to pass through before the next header. */
  private dataLeft = 0;
  private paxHeader: Buffer | undefined;
  private passThrough = false;
  private started = false;

  constructor(private readonly epoch: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.passThrough) return done(null, chunk);
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    try {
      this.drain();
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length) this.push(this.pending);
    done();
  }

  private drain(): void {
    for (;;) {
      if (this.paxHeader) {
        // A PAX header's data is held until complete: pinning may change its length.
        const size = readOctal(this.paxHeader, SIZE) ?? 0;
        const padded = Math.ceil(size / BLOCK) * BLOCK;
        if (this.pending.length < padded) return;
        const data = this.pending.subarray(0, size);
        this.pending = this.pending.subarray(padded);
        const pinned = pinPaxRecords(data, this.epoch);
        const header = this.paxHeader;
        this.paxHeader = undefined;
        if (pinned.changed) {
          this.changed = true;
          writeOctal(header, SIZE, pinned.data.length);
          setChecksum(header);
        }
        this.push(header);
        this.push(Buffer.concat([pinned.data, Buffer.alloc(Math.ceil(pinned.data.length / BLOCK) * BLOCK - pinned.data.length)]));
        continue;
      }
      if (this.dataLeft > 0) {
        if (this.pending.length === 0) return;
        const take = Math.min(this.dataLeft, this.pending.length);
        this.push(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.dataLeft -= take;
        continue;
      }
      if (this.pending.length < BLOCK) return;
      const block = Buffer.from(this.pending.subarray(0, BLOCK));
      this.pending = this.pending.subarray(BLOCK);
      if (!this.started) {
        this.started = true;
        if (!isUstar(block) && block.some((b) => b !== 0)) {
          this.passThrough = true;
          this.push(block);
          this.push(this.pending);
          this.pending = Buffer.alloc(0);
          return;
        }
      }
      if (block.every((b) => b === 0)) {
        this.push(block);
        continue;
      }
      const type = String.fromCharCode(block[TYPEFLAG]);
      const mtime = readOctal(block, MTIME);
      if (mtime !== undefined && mtime !== this.epoch) {
        writeOctal(block, MTIME, this.epoch);
        setChecksum(block);
        this.changed = true;
      }
      if (type === 'x') {
        this.paxHeader = block;
        continue;
      }
      this.push(block);
      const size = HEADER_ONLY.has(type) ? 0 : (readOctal(block, SIZE) ?? 0);
      this.dataLeft = Math.ceil(size / BLOCK) * BLOCK;
    }
  }
}
