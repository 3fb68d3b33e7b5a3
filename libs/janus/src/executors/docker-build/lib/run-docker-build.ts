import type { BuildEngine } from '../../../engine/build-engines/build-engine';
import { selectBuildEngine } from '../../../engine/build-engines/select-build-engine';
import { type CheckedBuilder, connectBuilders, localBuilder } from '../../../engine/builder-endpoints';
import type { ContainerEngine } from '../../../engine/container-engine';
import { assertEngineRunning, useEngine } from '../../../engine/docker-client';
import { engineMirrors, inspectImage, removeIfUntagged, tagImage } from '../../../engine/image-store';
import { type BuildRecord, type PlatformResult, redactBuildArgs, stageBuildRecord } from '../../../image/build-record';
import { buildSummary } from '../../../image/build-summary';
import { builtImages } from '../../../image/image-ledger';
import { keepImages, keptTag } from '../../../image/kept-images';
import { isPlatform, nativePlatform, platformTagSuffix } from '../../../oci/platform';
import {
  checkPushTarget,
  type Publication,
  preparePublication,
  registryFor,
  type RegistryTarget,
  type StagedPlatform,
  stagePlatforms,
} from '../../../image/publish-image';
import { existingCacheSources } from '../../../image/layer-cache-sources';
import { baseImageParts } from '../../../registry/base-layers';
import type { FoundCredentials } from '../../../registry/credentials';
import { searchableSecretValues } from '../../../image/secret-spec';
import { explainingPlatformMismatch } from './platform-mismatch';
import { baseDigestFromBuildLog, type BaseImageInfo, finalBaseImage, resolveBaseImage } from './base-image';
import type { NormalizedDockerBuild } from './normalize-options';
import { overBudgetMessage, platformSize, sizeSummary } from './size-budget';
import { layerFilesCachePath } from '../../../image/layer-files-cache';
import { logger } from '../../../workspace/nx-logger';
import { UserError } from '../../../errors/user-error';
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { attestPlatforms } from '../../../image/attest-platforms';
import { baseImagesFromBuildLog, type BuildProvenance } from '../../../image/provenance';
import { PLUGIN_MANIFEST } from '../../../plugin/plugin-version';

function redact(line: string, secrets: string[]): string {
  return secrets.reduce((l, s) => l.split(s).join('***'), line);
}

/** The final stage's base image and its digest: from the build's own log, else (another engine) from its registry. */
async function baseImageOf(o: NormalizedDockerBuild, fromLines: string[]): Promise<BaseImageInfo | undefined> {
  const ref = finalBaseImage(o.dockerfile, o.buildArgs, o.target);
  if (!ref) return undefined;
  const digest = baseDigestFromBuildLog(fromLines, ref);
  return digest ? { ref, digest, resolvedVia: 'build log' } : resolveBaseImage(ref, await engineMirrors());
}

/** The image ids the refs name now, each in its engine: a failed run puts the per-platform tags back; a finished one keeps the images. */
async function currentIds(refs: Array<{ ref: string; api: ContainerEngine }>): Promise<Map<string, string | undefined>> {
  return new Map(await Promise.all(refs.map(async ({ ref, api }) => [ref, (await inspectImage(ref, api))?.Id] as const)));
}

/**
 * Each platform's engine: with builders configured, each one is asked before any build whether it answers and
 * is the platform it is assigned (see connectBuilders); without, every platform is the local engine's, as always.
 */
async function platformEngines(o: NormalizedDockerBuild): Promise<Map<string, CheckedBuilder & { recorded: boolean }>> {
  if (o.builders.size === 0) {
    const local = localBuilder();
    return new Map(o.platforms.map((p) => [p, { engine: local, native: nativePlatform(), recorded: false }]));
  }
  const checked = await connectBuilders(o.platforms, o.builders);
  return new Map([...checked].map(([p, c]) => [p, { ...c, recorded: true }]));
}

/** How this build was made, as its provenance says (times, Dockerfile, base digests, builder, source). */
function provenanceFacts(
  o: NormalizedDockerBuild,
  engine: string,
  started: number,
  finished: number,
  fromLines: string[],
  base?: BaseImageInfo,
): BuildProvenance {
  const baseImages = baseImagesFromBuildLog(fromLines);
  // A base resolved through its registry (no FROM line in the log, as with another engine) still counts.
  if (base?.digest && !baseImages.some((b) => b.digest === base.digest)) baseImages.unshift({ ref: base.ref, digest: base.digest });
  return {
    startedOn: new Date(started).toISOString(),
    finishedOn: new Date(finished).toISOString(),
    dockerfile: { path: relative(o.workspaceRoot, o.file), digest: `sha256:${createHash('sha256').update(o.dockerfile).digest('hex')}` },
    context: relative(o.workspaceRoot, o.context) || '.',
    ...(o.target ? { target: o.target } : {}),
    baseImages,
    builder: { engine, janus: PLUGIN_MANIFEST.version },
    source: { repository: o.labels['org.opencontainers.image.source'], commit: o.git.sha, ...(o.git.dirty ? { dirty: true } : {}) },
    ...(o.reproducible ? { sourceDateEpoch: o.createdEpoch } : {}),
  };
}

/**
 * Build every platform, check them, push them under build-specific tags, stage the record, and only then move
 * the release tags (registry first, then local) and commit the record. Any failure before the last steps
 * leaves the previous image, its tags and its record as they were; images this run made but never tagged
 * are removed. The previous images its tags moved away from are kept, tagged `kept-<id>`: a record of them is
 * still in the Nx cache (a later cache hit hands it to docker-run, contract-test and docker-push), so only
 * docker-clean, which the user runs and which says what it removes, may take them away.
 */
export async function runDockerBuild(o: NormalizedDockerBuild, signal: AbortSignal): Promise<BuildRecord> {
  const started = Date.now();
  // Every engine call of this run (ping, build, tag, push, inspect) goes to the engine the options chose.
  useEngine(o.engineTarget);
  // Independent questions, asked at once (each is a round trip or a client start), answered in this order:
  // is the engine there, may these credentials push to the repository (fail before a long build, not after
  // it: an untrusted certificate, a refused password or token, a path the registry refuses), which builder.
  // One credentials lookup per registry for the whole run: the push target and the layer-cache sources share it
  // (each keeps its own client: a client's auth handshake is not made for concurrent first requests).
  const asked = new Map<string, Promise<FoundCredentials | undefined>>();
  const targetFor = (image: string) => registryFor(image, asked);
  const registry = o.keepImagesIn === 'registry' ? targetFor(o.repository) : undefined;
  const ready = await Promise.allSettled([
    assertEngineRunning(),
    registry?.then(checkPushTarget),
    selectBuildEngine(o.engine, o.engineTarget),
    existingCacheSources(o.layerCache, (l) => logger.info(l), targetFor),
    platformEngines(o),
  ]);
  for (const r of ready) if (r.status === 'rejected') throw r.reason;
  const engine = explainingPlatformMismatch((ready[2] as PromiseFulfilledResult<BuildEngine>).value, finalBaseImage(o.dockerfile, o.buildArgs, o.target));
  const layerCache = (ready[3] as PromiseFulfilledResult<NormalizedDockerBuild['layerCache']>).value;
  const target: RegistryTarget | undefined = await registry;
  const builders = (ready[4] as PromiseFulfilledResult<Awaited<ReturnType<typeof platformEngines>>>).value;
  const apiOf = (platform: string) => builders.get(platform)!.engine.door;
  const fromLines: string[] = [];
  const secretValues = searchableSecretValues(o.secrets);
  const built: PlatformResult[] = [];
  const producedIds: Array<{ id: string; api: ContainerEngine }> = [];
  let staged: ReturnType<typeof stageBuildRecord> | undefined;
  const movedRefs = new Map<string, { previous: string | undefined; api: ContainerEngine }>();
  // Every image an earlier build of this workspace recorded: a cached record may name any of them.
  const recorded: ReadonlySet<string> = new Set(builtImages(o.workspaceRoot).keys());
  try {
    // Each platform is staged as soon as it is built and within budget, so a platform that fails later (its
    // builder gone mid-build) leaves the others staged by digest for the retry; nothing is published unless all are.
    const builtBy = new Map<string, PlatformResult>();
    const stagedBy = new Map<string, StagedPlatform>();
    const overBudget: string[] = [];
    const buildOne = async (platform: string) => {
      const t0 = Date.now();
      const builder = builders.get(platform)!;
      const api = builder.engine.door;
      const on = builder.recorded ? ` on ${builder.engine.endpoint}${builder.name ? ` (${builder.name}, ${builder.native})` : ''}` : '';
      logger.info(`[${platform}] building ${o.repository} with ${engine.name}${on}`);
      const { imageId } = await engine.buildPlatform({
        context: o.context,
        file: o.file,
        target: o.target,
        buildArgs: o.buildArgs,
        labels: o.labels,
        secrets: o.secrets.map((s) => s.spec),
        network: o.network,
        noCache: o.noCache,
        pull: o.pull,
        layerTime: o.reproducible ? o.createdEpoch : undefined,
        baseImage: o.baseImage,
        // The builder's own mirrors: where its build got a Docker Hub base image from.
        readBaseImage: async (ref, p) => baseImageParts(ref, p, await engineMirrors(api)),
        keepImages: recorded,
        layerCache,
        platform,
        signal,
        builder: builder.engine,
        onLine: (line) => {
          if (line.includes(' FROM ')) fromLines.push(line);
          logger.info(`[${platform}] ${redact(line, secretValues)}`);
        },
      });
      producedIds.push({ id: imageId, api });
      const info = (await inspectImage(imageId, api))!;
      if (!isPlatform(platform, info)) {
        throw new UserError(`[${platform}] the engine produced an ${info.Os}/${info.Architecture} image; is qemu registered for ${platform}?`);
      }
      const result: PlatformResult = {
        platform,
        ref: `${o.repository}:${o.primaryTag}-${platformTagSuffix(platform)}`,
        imageId,
        size: info.Size,
        buildSeconds: (Date.now() - t0) / 1000,
        ...(builder.recorded ? { builder: { endpoint: builder.engine.endpoint, name: builder.name, native: builder.native } } : {}),
      };
      builtBy.set(platform, result);
      const sized = await platformSize(
        { platform, imageId, size: result.size, diffIds: info.RootFS?.Layers ?? [], budgetMb: o.sizeBudgetMb, cacheFile: layerFilesCachePath(o.workspaceRoot) },
        api,
      );
      logger.info(sizeSummary([sized], o.sizeBudgetMb));
      if (result.size > o.sizeBudgetMb * 1e6) {
        overBudget.push(overBudgetMessage(sized, o.sizeBudgetMb));
        return;
      }
      // The per-platform tag moves now (put back if the run fails): it keeps the image while its staging tag,
      // the image's only other name, is removed after the push.
      movedRefs.set(result.ref, { previous: (await inspectImage(result.ref, api))?.Id, api });
      await tagImage(imageId, result.ref, api);
      // Staged in the registry by digest: what contract-test and docker-push use on any machine. No release tag moves.
      if (!target) return;
      const [p] = await stagePlatforms(target, o.repository, [{ platform, imageId, engine: builder.engine }], (l) => logger.info(l));
      stagedBy.set(platform, p);
      Object.assign(result, { digest: p.digest, stagingTag: p.stagingTag, uploadedBytes: p.uploadedBytes });
    };
    // An engine builds one platform at a time, as it always has; platforms on different builders build at once.
    const byEngine = new Map<ContainerEngine, string[]>();
    for (const p of o.platforms) byEngine.set(apiOf(p), [...(byEngine.get(apiOf(p)) ?? []), p]);
    const settled = await Promise.allSettled(
      [...byEngine.values()].map(async (platforms) => {
        for (const p of platforms) await buildOne(p);
      }),
    );
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed || overBudget.length) {
      if (stagedBy.size && !signal.aborted)
        logger.warn(
          `${[...stagedBy].map(([p, s]) => `${p} (${s.digest.slice(0, 19)})`).join(', ')} stay in the registry by digest under content-named tags for a retry; nothing was published`,
        );
      throw failed ? failed.reason : new UserError(overBudget.join('\n'));
    }
    built.push(...o.platforms.map((p) => builtBy.get(p)!));
    const finished = Date.now();

    // Loading tags this machine's own image: one another engine built is not in this one (it is in the registry).
    const inLocal = built.filter((b) => builders.get(b.platform)!.engine.local);
    const local = inLocal.find((b) => b.platform === nativePlatform()) ?? (built.length === 1 ? inLocal[0] : undefined);
    const localApi = localBuilder().door;
    const releaseRefs = o.load && local ? o.tags.map((t) => `${o.repository}:${t.tag}`) : [];
    const current = await currentIds(releaseRefs.map((ref) => ({ ref, api: localApi })));
    // The images the tags moved away from, by engine: each is kept where it is.
    const previous = new Map<string, ContainerEngine>();
    for (const { previous: id, api } of movedRefs.values()) if (id) previous.set(id, api);
    for (const ref of releaseRefs) if (current.get(ref)) previous.set(current.get(ref)!, localApi);
    const stagedPlatforms: StagedPlatform[] = target ? o.platforms.map((p) => stagedBy.get(p)!) : [];
    const baseImage = await baseImageOf(o, fromLines);
    const described = {
      tags: o.tags.map((t) => t.tag),
      buildArgs: redactBuildArgs(o.buildArgs),
      secrets: o.secrets.map((s) => ({ id: s.id, spec: s.spec })),
      provenance: provenanceFacts(o, engine.name, started, finished, fromLines, baseImage),
      attestations: { sbom: o.sbom, provenance: o.provenance },
    };
    // Made as soon as the images are in a registry, published or not: an image whose SBOM cannot be made fails
    // its build, not a later push. The attestation manifests go up by digest; only the index names them.
    const attested = target ? await attestPlatforms(target, stagedPlatforms, described, (l) => logger.info(l)) : undefined;
    const publication: Publication | undefined =
      o.push && target ? preparePublication(target, described.tags, stagedPlatforms, attested?.descriptors) : undefined;
    const record: BuildRecord = {
      project: o.projectName,
      image: o.repository,
      tags: o.tags.map((t) => t.tag),
      pushed: o.push,
      keepImagesIn: o.keepImagesIn,
      registry: target?.registry,
      repository: target?.repository,
      indexDigest: publication?.indexDigest,
      platforms: built,
      buildArgs: described.buildArgs,
      labels: o.labels,
      secrets: described.secrets,
      baseImage,
      engine: engine.name,
      provenance: described.provenance,
      attestations: { ...described.attestations, ...(attested && o.sbom ? { packages: attested.packages } : {}) },
      git: { sha: o.git.sha, branch: o.git.branch, tag: o.git.tag, prNumber: o.git.prNumber, ...(o.git.dirty ? { dirty: true } : {}) },
    };
    staged = stageBuildRecord(o.outputPath, record);
    await publication?.publish((l) => logger.info(l));
    await Promise.all(releaseRefs.map((ref) => tagImage(local!.imageId, ref)));
    staged.commit();
    movedRefs.clear();
    const made = new Set(built.map((b) => b.imageId));
    const kept: string[] = [];
    for (const api of new Set(previous.values())) {
      const ids = [...previous].filter(([id, a]) => a === api && !made.has(id)).map(([id]) => id);
      kept.push(...(await keepImages(o.repository, ids, api)));
    }
    for (const id of kept)
      logger.info(`kept the previous image ${id.slice(7, 19)} as ${o.repository}:${keptTag(id)} (a cached build record may name it; docker-clean removes it)`);
    logger.info('\n' + buildSummary(record, (Date.now() - started) / 1000, o.createdFrom));
    return record;
  } finally {
    staged?.discard();
    // A failed run puts the per-platform tags back on the previous build (or removes them), so its own images
    // end untagged and are removed below instead of being left dangling when a later build takes the tags.
    for (const [ref, { previous: previousId, api }] of movedRefs) {
      await (previousId ? tagImage(previousId, ref, api) : api.images.remove(ref)).catch(() => undefined);
    }
    for (const { id, api } of producedIds) if (!recorded.has(id)) await removeIfUntagged(id, api);
  }
}
