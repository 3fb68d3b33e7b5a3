import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import type { BuilderEngine } from '../builder-endpoints';
import { containerEngine, dockerClient } from '../docker-client';
import { inspectImage, removeIfUntagged, saveImage } from '../image-store';
import { followProgress } from '../progress-stream';
import { canonicalInlineCache, type InlineCacheRecord } from './inline-cache-graph';
import { PinTarTimes } from './pin-tar-times';

interface SavedManifest {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

interface LayerResult {
  /** The layer with its times pinned, on disk. */
  file: string;
  originalDiffId: string;
  pinnedDiffId: string;
}

function sha256Tap(onDigest: (digest: string) => void): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      onDigest(`sha256:${hash.digest('hex')}`);
      done();
    },
  });
}

interface ImageConfig {
  created?: string;
  history?: Array<{ created?: string }>;
  rootfs: { diff_ids: string[] };
  /** BuildKit's inline layer cache (base64 JSON), whose records say when each layer was made. */
  'moby.buildkit.cache.v0'?: string;
}

const INLINE_CACHE = 'moby.buildkit.cache.v0';

/**
 * Sets this build's own times in the config to `epoch`: `created`, the history entries after the base image's
 * first `keepHistory`, and the layer times in BuildKit's inline cache; says whether any changed. Set, not
 * clamped: BuildKit stamps them with the time the step ran, and a step served from the build cache keeps the
 * time of the build that filled it, which may be before or after the epoch. A clamp kept an older stamp, so the
 * same inputs gave another image id (and registry digest) depending on the age of the engine's cache.
 */
export function pinConfigTimes(config: Omit<ImageConfig, 'rootfs'>, epoch: number, keepHistory: number): boolean {
  const iso = new Date(epoch * 1000).toISOString();
  let changed = false;
  const pin = (t: string | undefined) => {
    if (t === undefined || t === iso) return t;
    changed = true;
    return iso;
  };
  if (config.created !== undefined) config.created = pin(config.created);
  (config.history ?? []).forEach((h, i) => {
    if (i >= keepHistory && h.created !== undefined) h.created = pin(h.created);
  });
  const inline = config[INLINE_CACHE];
  if (inline) {
    const parsed = JSON.parse(Buffer.from(inline, 'base64').toString('utf8')) as InlineCacheRecord[];
    const original = JSON.stringify(parsed);
    const records = Array.isArray(parsed) ? canonicalInlineCache(parsed) : parsed;
    for (const r of Array.isArray(records) ? records : []) for (const l of r.layers ?? []) if (l.createdAt !== undefined) l.createdAt = pin(l.createdAt);
    const rewritten = JSON.stringify(records);
    if (rewritten !== original) {
      config[INLINE_CACHE] = Buffer.from(rewritten).toString('base64');
      changed = true;
    }
  }
  return changed;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Gives an image the layers it would have had if every file time in its own layers were `epoch`: the image
 * is saved from the engine, each layer's tar headers are rewritten (PinTarTimes), and the layers that
 * changed are loaded back under a config naming their new digests. The base image's layers (`keepLeading`)
 * keep their digests and are not sent back. Returns the new image id (the same id when nothing changed); the
 * original, untagged image is removed (unless `keepImages` names it). Clean clones of one commit then produce the same layers on any
 * machine, whatever its build cache held, so a registry and the Nx cache dedupe them.
 */
export async function pinImageTimes(
  imageId: string,
  epoch: number,
  options: {
    keepLeading?: string[];
    keepHistory?: number;
    signal?: AbortSignal;
    keepImages?: ReadonlySet<string>;
    /** The engine the image is in (its builder's); the local engine when absent. */
    engine?: Pick<BuilderEngine, 'door' | 'docker'>;
  } = {},
): Promise<{ imageId: string; changedLayers: number }> {
  const keepLeading = options.keepLeading ?? [];
  // Without a known base its history entries are pinned too: wrong dates there, but the same on every machine.
  const keepHistory = keepLeading.length ? (options.keepHistory ?? 0) : 0;
  const signal = options.signal;
  const door = options.engine?.door ?? containerEngine();
  const docker = options.engine?.docker ?? dockerClient;
  const info = await inspectImage(imageId, door);
  if (!info) throw new Error(`pinning layer times: the engine has no image ${imageId}`);
  const dir = mkdtempSync(join(tmpdir(), 'janus-layers-'));
  const layers = new Map<string, LayerResult>();
  const jsonEntries = new Map<string, Buffer>();
  let index = 0;
  try {
    const saved = await saveImage(imageId, door);
    const untar = extract();
    untar.on('entry', (header, entry, next) => {
      const handle = async () => {
        let stream: NodeJS.ReadableStream = entry as unknown as NodeJS.ReadableStream;
        const legacyLayer = header.name.endsWith('/layer.tar');
        // The engine tars its export directory, so layers come in the order of their directory names, not in
        // the image's: each is rewritten to a file, and the manifest (last) says which is which.
        const blob = header.name.startsWith('blobs/');
        if (header.name.endsWith('.json') || (blob && (header.size ?? 0) < 1 << 20)) {
          // configs and manifests; an OCI layout's small blobs may be either, or a tiny layer
          const bytes = await readAll(stream);
          jsonEntries.set(header.name, bytes);
          if (!blob) return;
          stream = Readable.from([bytes]);
        } else if (header.type !== 'file' || (!legacyLayer && !blob)) {
          return void entry.resume();
        }
        const file = join(dir, `layer-${index++}.tar`);
        let originalDiffId = '';
        let pinnedDiffId = '';
        await pipeline(
          stream,
          sha256Tap((d) => (originalDiffId = d)),
          new PinTarTimes(epoch),
          sha256Tap((d) => (pinnedDiffId = d)),
          createWriteStream(file),
        );
        layers.set(header.name, { file, originalDiffId, pinnedDiffId });
      };
      handle().then(() => next(), next);
    });
    const cancel = () => untar.destroy(new Error('pinning layer times: cancelled'));
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    await pipeline(saved, untar).finally(() => signal?.removeEventListener('abort', cancel));
    if (signal?.aborted) throw new Error('pinning layer times: cancelled');
    const manifests = JSON.parse(jsonEntries.get('manifest.json')?.toString('utf8') ?? '[]') as SavedManifest[];
    const manifest = manifests[0];
    const configBytes = manifest && jsonEntries.get(manifest.Config);
    if (!manifest || !configBytes) throw new Error('pinning layer times: the saved image has no manifest.json or config');
    const ordered = manifest.Layers.map((path) => {
      const layer = layers.get(path);
      if (!layer) throw new Error(`pinning layer times: the saved image lists layer ${path} but holds no such entry`);
      return layer;
    });
    if (ordered.map((l) => l.originalDiffId).join() !== (info.RootFS?.Layers ?? []).join()) {
      throw new Error('pinning layer times: the saved layers do not match the image the engine describes');
    }
    // The base image's layers stay as they are, whatever their times: they are shared with every image built on it.
    let base = 0;
    while (base < keepLeading.length && base < ordered.length && ordered[base].originalDiffId === keepLeading[base]) base++;
    const diffIds = ordered.map((l, i) => (i < base ? l.originalDiffId : l.pinnedDiffId));
    const changedAt = diffIds.findIndex((d, i) => d !== ordered[i].originalDiffId);
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    // The config says when the image and each step were made, in the builder's own clock: pinned to the epoch
    // too, or the same layers still get another image id (config digest) on every machine and every cold build.
    const pinnedTimes = pinConfigTimes(config, epoch, keepHistory);
    if (changedAt < 0 && !pinnedTimes) return { imageId, changedLayers: 0 };
    // Nothing but the config changed: the load needs no layer, the engine has them all.
    const firstChanged = changedAt < 0 ? ordered.length : changedAt;
    config.rootfs.diff_ids = diffIds;
    const newConfig = Buffer.from(JSON.stringify(config));
    const newId = `sha256:${createHash('sha256').update(newConfig).digest('hex')}`;

    // The load archive: the config, a manifest in `docker save` form, and the layers from the first changed
    // one on. Those before it keep their chain ids, so the engine has them and reads no file for them.
    const layerNames = ordered.map((_l, i) => `${i}/layer.tar`);
    const archive = pack();
    const load = async () => {
      const client = docker();
      const body = new PassThrough();
      archive.pipe(body);
      await followProgress(client, await client.loadImage(body, { quiet: true }), 'loading the image with pinned layer times');
    };
    const addFile = (name: string, path: string) =>
      new Promise<void>((resolve, reject) => {
        const entry = archive.entry({ name, size: statSync(path).size, mtime: new Date(epoch * 1000) }, (e) => (e ? reject(e) : resolve()));
        createReadStream(path).on('error', reject).pipe(entry);
      });
    const write = async () => {
      for (let i = firstChanged; i < ordered.length; i++) await addFile(layerNames[i], ordered[i].file);
      archive.entry({ name: 'config.json', mtime: new Date(epoch * 1000) }, newConfig);
      archive.entry(
        { name: 'manifest.json', mtime: new Date(epoch * 1000) },
        JSON.stringify([{ Config: 'config.json', RepoTags: null, Layers: layerNames }] satisfies SavedManifest[]),
      );
      archive.finalize();
    };
    // An engine that refuses the load stops reading: the archive is torn down so the writer cannot wait forever.
    await Promise.all([
      load().catch((e: Error) => {
        archive.destroy(e);
        throw e;
      }),
      write(),
    ]);
    if (!(await inspectImage(newId, door))) throw new Error(`pinning layer times: the engine did not load ${newId}`);
    if (newId !== imageId && !options.keepImages?.has(imageId)) await removeIfUntagged(imageId, door);
    return { imageId: newId, changedLayers: diffIds.filter((d, i) => d !== ordered[i].originalDiffId).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
