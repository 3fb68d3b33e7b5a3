import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { interpolate, type ComposeService } from '../../../compose/compose-file';
import { ensureImage, inspectImage, tagImage } from '../../../engine/image-store';
import { type BuildRecord, buildRecordDir, BUILD_RECORD_FILE, readBuildRecord } from '../../../image/build-record';
import { nativePlatform } from '../../../oci/platform';
import { UserError } from '../../../errors/user-error';

const withoutLibrary = (r: string) => r.replace(/^library\//, '');

/** The workspace project whose docker-build makes a service's image, by repository (as inference recorded it). */
export function serviceProjects(services: ComposeService[], context: ExecutorContext): Map<string, string> {
  const byRepository = new Map<string, string>();
  for (const [name, node] of Object.entries(context.projectGraph?.nodes ?? {})) {
    const repository = (node.data.metadata as { janus?: { repository?: string } } | undefined)?.janus?.repository;
    if (repository) byRepository.set(withoutLibrary(repository), name);
  }
  const out = new Map<string, string>();
  for (const s of services) {
    const project = byRepository.get(withoutLibrary(s.repository));
    if (project) out.set(s.name, project);
  }
  return out;
}

export interface ServiceImage {
  service: string;
  project: string;
  record: BuildRecord;
}

/** The build record of each service's project: what compose must run. */
export function serviceRecords(projects: Map<string, string>, context: ExecutorContext): ServiceImage[] {
  return [...projects].map(([service, project]) => ({
    service,
    project,
    record: readBuildRecord(
      join(buildRecordDir({ ...context, projectName: project }), BUILD_RECORD_FILE),
      `run 'nx run ${project}:docker-build' first (compose-up depends on it)`,
    ),
  }));
}

/**
 * The one tag every built service shares: its sha-* tag (each build of one commit has it). Services built at
 * different commits cannot be run as one version, so that is an error naming them, not a silent mix.
 */
export function sharedTag(images: ServiceImage[]): string | undefined {
  const tags = new Map(images.map((i) => [i.project, i.record.tags.find((t) => t.startsWith('sha-')) ?? i.record.tags[0]]));
  const distinct = [...new Set(tags.values())];
  if (distinct.length > 1) {
    const list = [...tags].map(([p, t]) => `${p}=${t}`).join(', ');
    throw new UserError(
      `janus:compose-up: the services' images were built at different commits (${list}); rebuild them together (nx run-many -t docker-build -p ${[...tags.keys()].join(',')}) or give --tag`,
    );
  }
  return distinct[0];
}

/**
 * Makes sure the engine has each service's image under the reference compose will use. A build kept in the
 * registry (the ci configuration, a shared cache hit) is pulled by its digest and tagged, so compose never pulls
 * a moving tag itself.
 */
export async function ensureServiceImages(services: ComposeService[], images: ServiceImage[], env: Record<string, string | undefined>): Promise<void> {
  for (const s of services) {
    const ref = interpolate(s.image, env);
    if (await inspectImage(ref)) continue;
    const built = images.find((i) => i.service === s.name);
    const local = built && (built.record.platforms.find((p) => p.platform === nativePlatform()) ?? built.record.platforms[0]);
    if (built && local?.digest && built.record.keepImagesIn === 'registry') {
      const pulled = await ensureImage(`${built.record.image}@${local.digest}`);
      await tagImage(pulled.Id, ref);
      continue;
    }
    if (built) {
      throw new UserError(
        `janus:compose-up: service '${s.name}' runs ${ref}, which the engine does not have; its build record names tags ${built.record.tags.join(', ')} (run 'nx run ${built.project}:docker-build' again)`,
      );
    }
    // Not a workspace image (a database, a stand-in): compose pulls it as usual.
  }
}
