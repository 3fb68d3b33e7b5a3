import { posix } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';

/** One layer of an image, in order from the base up, with a way to read its (compressed) bytes. */
export interface ImageLayer {
  digest: string;
  mediaType: string;
  read(): Promise<Buffer>;
}

/** A file of the image's final filesystem, with the layer that wrote it. */
export interface ImageFile {
  /** Without a leading slash: `var/lib/dpkg/status`. */
  path: string;
  layer: string;
  content: Buffer;
}

/** What cannot be read is named: the layer, and the path inside it where reading stopped, when there is one. */
export class SbomError extends Error {
  constructor(
    readonly layer: string,
    readonly path: string | undefined,
    problem: string,
  ) {
    super(`cannot produce the SBOM: layer ${layer}${path ? `, path /${path}` : ''}: ${problem}`);
    this.name = 'SbomError';
  }
}

function normalize(name: string): string {
  return posix.normalize(`/${name}`).slice(1).replace(/\/+$/, '');
}

function decompress(layer: ImageLayer, bytes: Buffer): Buffer {
  // Magic bytes rather than the media type: Docker's and OCI's names differ, and both mean gzip here.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return gunzipSync(bytes);
  if (bytes.readUInt32LE(0) === 0xfd2fb528) throw new SbomError(layer.digest, undefined, 'zstd-compressed layers are not read yet; push with gzip');
  return bytes;
}

interface LayerChanges {
  files: Map<string, ImageFile>;
  /** Paths this layer removed (a whiteout) or replaced with a link. */
  removed: Set<string>;
  /** Directories this layer made opaque: nothing of the layers below them stays. */
  opaque: Set<string>;
}

async function readLayer(layer: ImageLayer, read: Promise<Buffer>, wanted: (path: string) => boolean): Promise<LayerChanges> {
  let bytes: Buffer;
  try {
    bytes = decompress(layer, await read);
  } catch (e) {
    if (e instanceof SbomError) throw e;
    throw new SbomError(layer.digest, undefined, (e as Error).message);
  }
  const changes: LayerChanges = { files: new Map(), removed: new Set(), opaque: new Set() };
  const hardLinks: Array<{ path: string; target: string }> = [];
  let current: string | undefined;
  await new Promise<void>((resolve, reject) => {
    const tar = extract();
    tar.on('entry', (header, stream, next) => {
      const path = normalize(header.name);
      current = path;
      const base = posix.basename(path);
      const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
      if (base === '.wh..wh..opq') changes.opaque.add(dir);
      else if (base.startsWith('.wh.')) changes.removed.add(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
      else if (header.type === 'file' && wanted(path)) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: unknown) => chunks.push(c as Buffer));
        stream.on('end', () => {
          changes.files.set(path, { path, layer: layer.digest, content: Buffer.concat(chunks) });
          next();
        });
        return;
      } else if (header.type === 'link' && wanted(path) && header.linkname) hardLinks.push({ path, target: normalize(header.linkname) });
      // A link where a directory was hides what lay below it; plain files are not wanted ones, and do not matter.
      else if (header.type === 'symlink') changes.removed.add(path);
      stream.on('end', () => next());
      stream.resume();
    });
    tar.on('finish', resolve);
    tar.on('error', (e: Error) => reject(new SbomError(layer.digest, current, `not a readable tar stream (${e.message})`)));
    tar.end(bytes);
  });
  for (const { path, target } of hardLinks) {
    const file = changes.files.get(target);
    if (file) changes.files.set(path, { ...file, path });
  }
  return changes;
}

/** The path and each directory above it, up to the root (''). */
function selfAndAncestors(path: string): string[] {
  const out = [path];
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) out.push(path.slice(0, i));
  out.push('');
  return out;
}

/**
 * The wanted files of an image's final filesystem, read layer by layer as the engine stacks them: a later layer's
 * file replaces an earlier one, its whiteouts (`.wh.<name>`, `.wh..wh..opq`) remove what lies below. So a package
 * a later step deleted is not there, whatever an earlier layer held.
 */
export async function finalFiles(layers: readonly ImageLayer[], wanted: (path: string) => boolean): Promise<Map<string, ImageFile>> {
  const files = new Map<string, ImageFile>();
  // The next layer downloads while this one is read; not all at once, which on a busy registry made each
  // download share the bandwidth with every other and miss its deadline.
  const start = (i: number) => {
    const read = layers[i]?.read();
    read?.catch(() => undefined);
    return read;
  };
  let next = start(0);
  for (const [i, layer] of layers.entries()) {
    const read = next!;
    next = start(i + 1);
    const changes = await readLayer(layer, read, wanted);
    for (const path of [...files.keys()]) {
      const [self, ...dirs] = selfAndAncestors(path);
      if (changes.removed.has(self) || dirs.some((d) => changes.removed.has(d) || changes.opaque.has(d))) files.delete(path);
    }
    for (const [path, file] of changes.files) files.set(path, file);
  }
  return files;
}
