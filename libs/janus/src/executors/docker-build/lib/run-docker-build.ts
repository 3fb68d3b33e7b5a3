import type { BuildEngine } from '../../../engine/build-engines/build-engine';
import { selectBuildEngine } from '../../../engine/build-engines/select-build-engine';
import { assertEngineRunning, engineApi } from '../../../engine/docker-client';
import { engineMirrors, inspectImage, removeIfUntagged, tagImage } from '../../../engine/image-store';
import { type BuildRecord, type PlatformResult, redactBuildArgs, stageBuildRecord } from '../../../image/build-record';
import { buildSummary } from '../../../image/build-summary';
import { builtImages } from '../../../image/image-ledger';
import { keepImages, keptTag } from '../../../image/kept-images';
import { isPlatform, nativePlatform, platformTagSuffix } from '../../../image/platform';
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
import type { FoundCredentials } from '../../../registry/credentials';
import { searchableSecretValues } from '../../../image/secret-spec';
import { explainingPlatformMismatch } from './platform-mismatch';
import { baseDigestFromBuildLog, type BaseImageInfo, finalBaseImage, resolveBaseImage } from './base-image';
import type { NormalizedDockerBuild } from './normalize-options';
import { overBudgetMessage, platformSize, sizeSummary } from './size-budget';
import { logger } from '../../../workspace/nx-logger';

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

/** The image ids the refs name now: a failed run puts the per-platform tags back; a finished one keeps the images. */
async function currentIds(refs: string[]): Promise<Map<string, string | undefined>> {
  return new Map(await Promise.all(refs.map(async (ref) => [ref, (await inspectImage(ref))?.Id] as const)));
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
  // Independent questions, asked at once (each is a round trip or a client start), answered in this order:
  // is the engine there, may these credentials push to the repository (fail before a long build, not after
  // it: an untrusted certificate, a refused password or token, a path the registry refuses), which builder.
  // One credentials lookup per registry for the whole run: the push target and the layer-cache sources share it
  // (each keeps its own client: a client's auth handshake is not made for concurrent first requests).
  const asked = new Map<string, Promise<FoundCredentials | undefined>>();
  const targetFor = (image: string) => registryFor(image, asked);
  const registry = o.stage === 'registry' ? targetFor(o.repository) : undefined;
  const ready = await Promise.allSettled([
    assertEngineRunning(),
    registry?.then(checkPushTarget),
    selectBuildEngine(o.engine),
    existingCacheSources(o.layerCache, (l) => logger.info(l), targetFor),
  ]);
  for (const r of ready) if (r.status === 'rejected') throw r.reason;
  const engine = explainingPlatformMismatch((ready[2] as PromiseFulfilledResult<BuildEngine>).value, finalBaseImage(o.dockerfile, o.buildArgs, o.target));
  const layerCache = (ready[3] as PromiseFulfilledResult<NormalizedDockerBuild['layerCache']>).value;
  const target: RegistryTarget | undefined = await registry;
  const fromLines: string[] = [];
  const secretValues = searchableSecretValues(o.secrets);
  const built: PlatformResult[] = [];
  const producedIds: string[] = [];
  let staged: ReturnType<typeof stageBuildRecord> | undefined;
  const movedRefs = new Map<string, string | undefined>();
  // Every image an earlier build of this workspace recorded: a cached record may name any of them.
  const recorded: ReadonlySet<string> = new Set(builtImages(o.workspaceRoot).keys());
  try {
    for (const platform of o.platforms) {
      const t0 = Date.now();
      logger.info(`[${platform}] building ${o.repository} with ${engine.name}`);
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
        keepImages: recorded,
        layerCache,
        platform,
        signal,
        onLine: (line) => {
          if (line.includes(' FROM ')) fromLines.push(line);
          logger.info(`[${platform}] ${redact(line, secretValues)}`);
        },
      });
      producedIds.push(imageId);
      const info = (await inspectImage(imageId))!;
      if (!isPlatform(platform, info)) {
        throw new Error(`[${platform}] the engine produced an ${info.Os}/${info.Architecture} image; is qemu registered for ${platform}?`);
      }
      built.push({
        platform,
        ref: `${o.repository}:${o.primaryTag}-${platformTagSuffix(platform)}`,
        imageId,
        size: info.Size,
        buildSeconds: (Date.now() - t0) / 1000,
      });
    }
    const sizes = [];
    for (const b of built) sizes.push(await platformSize(b.platform, b.imageId, b.size));
    logger.info(sizeSummary(sizes, o.sizeBudgetMb));
    const over = sizes.filter((s) => s.size > o.sizeBudgetMb * 1e6);
    if (over.length) throw new Error(over.map((s) => overBudgetMessage(s, o.sizeBudgetMb)).join('\n'));

    const local = built.find((b) => b.platform === nativePlatform()) ?? (built.length === 1 ? built[0] : undefined);
    const releaseRefs = o.load && local ? o.tags.map((t) => `${o.repository}:${t.tag}`) : [];
    const current = await currentIds([...built.map((b) => b.ref), ...releaseRefs]);
    const previous = new Set([...current.values()].filter((id): id is string => Boolean(id)));
    // Staging pushes through the engine by these per-platform tags; if anything after this fails, they go back.
    for (const b of built) movedRefs.set(b.ref, current.get(b.ref));
    await Promise.all(built.map((b) => tagImage(b.imageId, b.ref)));

    // Staged in the registry by digest: what contract-test and docker-push use on any machine. No release tag moves.
    const stagedPlatforms: StagedPlatform[] = target
      ? await stagePlatforms(
          target,
          o.repository,
          built.map((b) => ({ platform: b.platform, imageId: b.imageId })),
          (l) => logger.info(l),
        )
      : [];
    stagedPlatforms.forEach((p, i) => Object.assign(built[i], { digest: p.digest, stagingTag: p.stagingTag, uploadedBytes: p.uploadedBytes }));
    const publication: Publication | undefined =
      o.push && target
        ? preparePublication(
            target,
            o.tags.map((t) => t.tag),
            stagedPlatforms,
          )
        : undefined;
    const record: BuildRecord = {
      project: o.projectName,
      image: o.repository,
      tags: o.tags.map((t) => t.tag),
      pushed: o.push,
      residence: o.stage,
      registry: target?.registry,
      repository: target?.repository,
      indexDigest: publication?.indexDigest,
      platforms: built,
      buildArgs: redactBuildArgs(o.buildArgs),
      labels: o.labels,
      secrets: o.secrets.map((s) => ({ id: s.id, spec: s.spec })),
      baseImage: await baseImageOf(o, fromLines),
      engine: engine.name,
      git: { sha: o.git.sha, branch: o.git.branch, tag: o.git.tag, prNumber: o.git.prNumber, ...(o.git.dirty ? { dirty: true } : {}) },
    };
    staged = stageBuildRecord(o.outputPath, record);
    await publication?.publish((l) => logger.info(l));
    await Promise.all(releaseRefs.map((ref) => tagImage(local!.imageId, ref)));
    staged.commit();
    movedRefs.clear();
    const made = new Set(built.map((b) => b.imageId));
    const kept = await keepImages(
      o.repository,
      [...previous].filter((id) => !made.has(id)),
    );
    for (const id of kept)
      logger.info(`kept the previous image ${id.slice(7, 19)} as ${o.repository}:${keptTag(id)} (a cached build record may name it; docker-clean removes it)`);
    logger.info('\n' + buildSummary(record, (Date.now() - started) / 1000, o.createdFrom));
    return record;
  } finally {
    staged?.discard();
    // A failed run puts the per-platform tags back on the previous build (or removes them), so its own images
    // end untagged and are removed below instead of being left dangling when a later build takes the tags.
    for (const [ref, previousId] of movedRefs) {
      await (previousId ? tagImage(previousId, ref) : engineApi().removeImage(ref)).catch(() => undefined);
    }
    for (const id of producedIds) if (!recorded.has(id)) await removeIfUntagged(id);
  }
}
