import { logger } from '@nx/devkit';
import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { nativePlatform } from '../../../engine/build-image';
import { tagImage } from '../../../engine/image-ref';
import { dockerClient, assertEngineRunning } from '../../../engine/docker-client';
import { selectBuildEngine } from '../../../engine/build-engines/select-build-engine';
import { parseImageReference } from '../../../registry/image-reference';
import { RegistryClient } from '../../../registry/registry-client';
import { finalBaseImage, resolveBaseImage } from './base-image';
import { type BuildMetadata, type PlatformResult, redactBuildArgs, writeMetadata } from './metadata';
import type { NormalizedDockerBuild } from './normalize-options';
import { publishImage, registryCredentials } from './publish';
import { largestLayers, overBudgetMessage } from './size-budget';
import { summaryTable } from './summary-table';

const archOf = (platform: string) => platform.split('/').slice(1).join('-');

/** Removes images this run built but never tagged, so an aborted or failed run leaves nothing behind. */
async function removeUntagged(docker: Docker, imageIds: string[]): Promise<void> {
  for (const id of imageIds) {
    const info = await docker
      .getImage(id)
      .inspect()
      .catch(() => undefined);
    if (info && (info.RepoTags ?? []).length === 0)
      await docker
        .getImage(id)
        .remove({ noprune: false })
        .catch(() => undefined);
  }
}

export async function runDockerBuild(o: NormalizedDockerBuild, signal: AbortSignal): Promise<BuildMetadata> {
  const docker = dockerClient();
  await assertEngineRunning(docker);
  const started = Date.now();
  if (o.push) {
    // Fail before a long build, not after it, when the registry is down or refuses.
    const registry = parseImageReference(`${o.repository}:x`).registry;
    const credentials = registryCredentials(registry);
    await RegistryClient.forHost(registry, { credentials: credentials && { username: credentials.username, password: credentials.password } }).ping();
  }
  const engine = await selectBuildEngine(o.engine);
  const secretValues = o.secrets.map((s) => s.value.trim()).filter((v) => v.length >= 4);
  const built: PlatformResult[] = [];
  const producedIds: string[] = [];
  try {
    // Every platform is built before anything is tagged or pushed: a failing step on one platform must
    // leave the previous image and tags untouched everywhere.
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
        platform,
        signal,
        onLine: (line) => logger.info(`[${platform}] ${redact(line, secretValues)}`),
      });
      producedIds.push(imageId);
      const info = await docker.getImage(imageId).inspect();
      if (info.Os !== platform.split('/')[0] || info.Architecture !== platform.split('/')[1]) {
        throw new Error(`[${platform}] the engine produced an ${info.Os}/${info.Architecture} image; is qemu registered for ${platform}?`);
      }
      built.push({ platform, ref: `${o.repository}:${o.primaryTag}-${archOf(platform)}`, imageId, size: info.Size, buildSeconds: (Date.now() - t0) / 1000 });
    }
    const over = built.filter((b) => b.size > o.sizeBudgetMb * 1e6);
    if (over.length) {
      const messages = await Promise.all(over.map(async (b) => overBudgetMessage(b.platform, b.size, o.sizeBudgetMb, await largestLayers(docker, b.imageId))));
      throw new Error(messages.join('\n'));
    }

    for (const b of built) await tagImage(b.imageId, b.ref, docker);
    const local = built.find((b) => b.platform === nativePlatform()) ?? (built.length === 1 ? built[0] : undefined);
    if (o.load && local) for (const t of o.tags) await tagImage(local.imageId, `${o.repository}:${t.tag}`, docker);

    let indexDigest: string | undefined;
    if (o.push) {
      const published = await publishImage({
        repository: o.repository,
        tags: o.tags.map((t) => t.tag),
        platformRefs: built.map((b) => ({ platform: b.platform, ref: b.ref })),
        onLine: (l) => logger.info(l),
      });
      indexDigest = published.indexDigest;
      built.forEach((b, i) => (b.digest = published.platforms[i].digest));
    }

    const mirrors = ((await docker.info()) as { RegistryConfig?: { Mirrors?: string[] } }).RegistryConfig?.Mirrors ?? [];
    const baseRef = finalBaseImage(readFileSync(o.file, 'utf8'), o.buildArgs, o.target);
    const metadata: BuildMetadata = {
      project: o.projectName,
      image: o.repository,
      tags: o.tags.map((t) => t.tag),
      pushed: o.push,
      indexDigest,
      platforms: built,
      buildArgs: redactBuildArgs(o.buildArgs),
      labels: o.labels,
      baseImage: baseRef ? await resolveBaseImage(baseRef, mirrors) : undefined,
      engine: engine.name,
      git: { sha: o.git.sha, branch: o.git.branch, tag: o.git.tag, prNumber: o.git.prNumber, dirty: o.git.dirty },
    };
    writeMetadata(o.outputPath, metadata);
    logger.info('\n' + summaryTable(metadata, (Date.now() - started) / 1000));
    return metadata;
  } finally {
    await removeUntagged(docker, producedIds);
  }
}

function redact(line: string, secrets: string[]): string {
  return secrets.reduce((l, s) => l.split(s).join('***'), line);
}
