import { extract } from 'tar-stream';

/** One filesystem layer of an image: the step that made it and the regular files it adds, by size. */
export interface LayerFiles {
  createdBy: string;
  size: number;
  files: Map<string, number>;
}

interface SaveManifest {
  Config: string;
  Layers: string[];
}
interface ImageConfig {
  history?: Array<{ created_by?: string; empty_layer?: boolean }>;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The regular files of one layer tarball, by path: whiteouts and directories carry no bytes. */
async function layerFiles(stream: NodeJS.ReadableStream): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  const inner = extract();
  stream.pipe(inner);
  for await (const entry of inner) {
    if (entry.header.type === 'file' && !entry.header.name.split('/').pop()!.startsWith('.wh.'))
      files.set(`/${entry.header.name.replace(/^\.?\//, '')}`, entry.header.size ?? 0);
    entry.resume();
  }
  return files;
}

/**
 * The layers of an image as `docker save` writes it (the Engine API's GET /images/{id}/get), oldest first,
 * each with the step that made it (from the image config's history) and the files it holds. Read as a stream:
 * nothing of the image is kept but the file list.
 */
export async function imageLayers(saved: NodeJS.ReadableStream): Promise<LayerFiles[]> {
  const byPath = new Map<string, Map<string, number>>();
  const json = new Map<string, unknown>();
  const outer = extract();
  saved.pipe(outer);
  for await (const entry of outer) {
    const name = entry.header.name;
    if (name.endsWith('.tar')) byPath.set(name, await layerFiles(entry as unknown as NodeJS.ReadableStream));
    else if (name.endsWith('.json')) json.set(name, JSON.parse((await readAll(entry as AsyncIterable<Buffer>)).toString('utf8')));
    else entry.resume();
  }
  const manifest = (json.get('manifest.json') as SaveManifest[] | undefined)?.[0];
  if (!manifest) throw new Error('the saved image has no manifest.json');
  const steps = ((json.get(manifest.Config) as ImageConfig | undefined)?.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? '');
  return manifest.Layers.map((path, i) => {
    const files = byPath.get(path) ?? new Map<string, number>();
    return { createdBy: stepText(steps[i] ?? path), size: [...files.values()].reduce((a, b) => a + b, 0), files };
  });
}

function stepText(createdBy: string): string {
  return createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/\s+/g, ' ')
    .slice(0, 110);
}

/** The COUNT largest files of the image's final filesystem (a later layer's copy of a path replaces the earlier). */
export function largestPaths(layers: LayerFiles[], count: number): Array<{ path: string; size: number }> {
  const all = new Map<string, number>();
  for (const l of layers) for (const [p, s] of l.files) all.set(p, s);
  return top(all, count);
}

export function top(files: Map<string, number>, count: number): Array<{ path: string; size: number }> {
  return [...files]
    .map(([path, size]) => ({ path, size }))
    .sort((a, b) => b.size - a.size || a.path.localeCompare(b.path))
    .slice(0, count);
}
