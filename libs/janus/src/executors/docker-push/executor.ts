import type { ExecutorContext } from '@nx/devkit';
import { join, relative } from 'node:path';
import { defaultReportDir, readContractReport } from '../../contract/report';
import { assertEngineRunning } from '../../engine/docker-client';
import { type BuildRecord, buildRecordDir, BUILD_RECORD_FILE, BuildRecordError, readBuildRecord } from '../../image/build-record';
import { defaultPublishRecordDir, stagePublishRecord } from '../../image/publish-record';
import { buildSummary } from '../../image/build-summary';
import { engineImageOf } from '../../image/recorded-image';
import { attestPlatforms } from '../../image/attest-platforms';
import { platformsInRegistry, preparePublication, registryFor, stagePlatforms } from '../../image/publish-image';
import { SET_REGISTRY_HINT } from '../../workspace/plugin-options';
import { parseOptions } from '../../schema/parse-options';
import { siblingTargetPath, workspacePath } from '../../workspace/target-options';
import { type DockerPushOptions, schema } from './options-schema';
import { logger } from '../../workspace/nx-logger';
import { InterruptGuard } from '../../process/interrupt-guard';
import { UserError } from '../../errors/user-error';
import { reportFailure } from '../report-failure';

/**
 * The contract must have passed on exactly what is about to be published: for a registry-resident build, one of
 * the recorded digests (the report names the digest it ran); for an engine-only build, one of its image ids.
 */
function assertContractPassed(record: BuildRecord, context: ExecutorContext, contractTarget: string): void {
  const dir = siblingTargetPath(context, contractTarget, 'reportDir', defaultReportDir(context.projectName!));
  const report = readContractReport(dir);
  const run = `run 'nx run ${context.projectName}:${contractTarget}' first`;
  if (!report) throw new UserError(`janus:docker-push: no contract report in ${dir}; ${run}`);
  const byDigest = record.keepImagesIn === 'registry';
  const built = byDigest ? record.platforms.map((p) => p.digest ?? '') : record.platforms.map((p) => p.imageId);
  const tested = byDigest ? report.digest : report.imageId;
  if (!tested || !built.includes(tested)) {
    throw new UserError(
      `janus:docker-push: the contract report in ${dir} is for ${tested ? tested.slice(0, 19) : `${report.image} (no digest recorded)`}, not ${byDigest ? 'a digest' : 'an image'} of this build (${built.map((b) => b.slice(0, 19)).join(', ')}); ${run}`,
    );
  }
  if (!report.ok)
    throw new UserError(
      `janus:docker-push: ${tested.slice(0, 19)} failed the contract (${report.checks
        .filter((c) => !c.ok)
        .map((c) => c.id)
        .join(', ')}); nothing was published`,
    );
}

/**
 * An engine-only record: its images must still be in this engine. They are pushed by id (the id is what was
 * built and checked), so a later build that moved the local tags to another image changes nothing here.
 */
async function assertInEngine(record: BuildRecord, context: ExecutorContext, buildTarget: string): Promise<void> {
  await assertEngineRunning();
  for (const p of record.platforms) await engineImageOf('docker-push', p, context.projectName!, buildTarget);
}

/** A dirty tree's build goes out only when asked for, and then only under its `-dirty` tag (all docker-build gave it). */
function assertCleanOrAllowed(record: BuildRecord, allowDirty: boolean): void {
  if (!record.git.dirty || allowDirty) return;
  throw new UserError(
    `janus:docker-push: ${record.image}:${record.tags[0]} was built from a dirty tree (tracked files differed from ${record.git.sha.slice(0, 7)}); ` +
      `commit and rebuild, or pass --allowDirty to publish it under ${record.tags.join(', ')} only`,
  );
}

/**
 * Publishes exactly what docker-build built (and contract-test checked). A registry-resident build is already in
 * the registry by digest: only the manifest list goes up, under the release tags, with no local engine needed.
 * An engine-only build pushes its recorded images first. Nothing is rebuilt, so what ships is what was tested.
 */
export default async function dockerPushExecutor(raw: DockerPushOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  // Ctrl-C mid-push: says what it stopped and removes the local staging tags this run made.
  const guard = new InterruptGuard('janus:docker-push', logger);
  try {
    const o = parseOptions(schema, raw, 'janus:docker-push');
    const file = o.metadata ? workspacePath(context.root, o.metadata) : join(buildRecordDir(context, o.buildTarget), BUILD_RECORD_FILE);
    const record = readBuildRecord(file, `run 'nx run ${context.projectName}:${o.buildTarget}' first`);
    assertCleanOrAllowed(record, o.allowDirty);
    if (o.requireContract) assertContractPassed(record, context, o.contractTarget);
    // An image built without a registry is named by its repository alone: pushing it would mean Docker Hub,
    // which nobody chose. Say how to name one instead.
    if (!/^[^/]*[.:][^/]*\/|^localhost\//.test(record.image)) {
      throw new BuildRecordError(
        file,
        `names the image ${JSON.stringify(record.image)} with no registry, so there is nowhere to push it (${context.projectName}:${context.targetName ?? 'docker-push'})`,
        `${SET_REGISTRY_HINT} or pass --registry to '${o.buildTarget}', then rebuild`,
      );
    }
    const t0 = Date.now();
    guard.doing(`reaching the registry of ${record.image}`);
    const target = await registryFor(record.image);
    let platforms: BuildRecord['platforms'];
    let listed;
    if (record.keepImagesIn === 'registry') {
      const missing = record.platforms.filter((p) => !p.digest).map((p) => p.platform);
      if (missing.length)
        throw new BuildRecordError(
          file,
          `records no registry digest for ${missing.join(', ')}`,
          `rebuild with 'nx run ${context.projectName}:${o.buildTarget}'`,
        );
      guard.doing(`checking ${record.image}'s platform images in the registry`);
      listed = await platformsInRegistry(
        target,
        record.platforms.map((p) => ({ platform: p.platform, digest: p.digest! })),
      );
      platforms = record.platforms;
    } else {
      await assertInEngine(record, context, o.buildTarget);
      guard.doing(`pushing ${record.image} (${record.platforms.map((p) => p.platform).join(', ')}); no release tag had moved`);
      const staged = await stagePlatforms(
        target,
        record.image,
        record.platforms.map((p) => ({ platform: p.platform, imageId: p.imageId })),
        (l) => logger.info(l),
        (what, undo) => guard.track(what, undo),
      );
      listed = staged;
      platforms = record.platforms.map((p, i) => ({
        ...p,
        digest: staged[i].digest,
        stagingTag: staged[i].stagingTag,
        uploadedBytes: staged[i].uploadedBytes,
      }));
    }
    const uploaded = record.keepImagesIn === 'registry' ? 0 : platforms.reduce((sum, p) => sum + (p.uploadedBytes ?? 0), 0);
    // The same SBOM and provenance docker-build made (or would have): read from the images' layers in the registry
    // and the record, uploaded by digest before the index that names them.
    guard.doing(`attaching the SBOM and provenance of ${record.image}; no release tag had moved`);
    const attested = await attestPlatforms(target, listed, record, (l) => logger.info(l));
    const publication = preparePublication(target, record.tags, listed, attested.descriptors);
    const attestations = record.attestations && { ...record.attestations, ...(record.attestations.sbom ? { packages: attested.packages } : {}) };
    // What the summary shows; the build record itself stays as docker-build wrote it.
    const updated: BuildRecord = { ...record, pushed: true, indexDigest: publication.indexDigest, platforms, ...(attestations ? { attestations } : {}) };
    // docker-push's own record, in its own output folder: the build record stays as docker-build wrote it (a
    // cache restore of the build would otherwise revert the publication). Staged before any tag moves: a full
    // disk fails here, with nothing published.
    const staged = stagePublishRecord(workspacePath(context.root, o.outputPath ?? defaultPublishRecordDir(context.projectName!)), {
      project: record.project,
      image: record.image,
      tags: record.tags,
      indexDigest: publication.indexDigest,
      platforms: platforms.map((p) => ({
        platform: p.platform,
        digest: p.digest!,
        ...(p.uploadedBytes !== undefined ? { uploadedBytes: p.uploadedBytes } : {}),
      })),
      buildRecord: relative(context.root, file),
    });
    // Moving the release tags is a few manifest PUTs: an interrupt lets them finish (or roll back) rather than
    // leave some tags on the new list and some on the old.
    guard.doing(`moving the release tags of ${record.image} (finishing that before exiting)`);
    const publishing = publication.publish((l) => logger.info(l));
    const untrack = guard.track('letting the release tags finish moving', () => publishing);
    try {
      await publishing;
      untrack();
      staged.commit();
    } finally {
      staged.discard();
    }
    // The table's "uploaded" column says what this push uploaded, as the line under it does: a registry-resident
    // build's images went up with the build (its record keeps that figure), and nothing of them goes up now.
    const pushedNow = record.keepImagesIn === 'registry' ? { ...updated, platforms: platforms.map((p) => ({ ...p, uploadedBytes: 0 })) } : updated;
    logger.info('\n' + buildSummary(pushedNow, (Date.now() - t0) / 1000));
    logger.info(
      `janus:docker-push: ${uploaded} layer bytes uploaded` +
        (record.keepImagesIn === 'registry' ? ' (the platform images were already in the registry by digest; only the manifest list went up)' : ''),
    );
    return { success: true };
  } catch (e) {
    reportFailure(e);
    return { success: false };
  } finally {
    await guard.dispose();
  }
}
