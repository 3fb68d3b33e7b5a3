import { selectBuildEngine } from '../../janus/src/engine/build-engines/select-build-engine';
import { tagImage } from '../../janus/src/engine/image-store';
import { nativePlatform } from '../../janus/src/oci/platform';

export interface BuildImageRequest {
  context: string;
  file?: string;
  tags: string[];
  platform?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  secrets?: string[];
  network?: string;
  onLine?: (line: string) => void;
}

/** For tests and fixtures: one BuildKit build for one platform (the engine's own by default), tagged locally. */
export async function buildImage(req: BuildImageRequest): Promise<string> {
  const engine = await selectBuildEngine('auto');
  const { imageId } = await engine.buildPlatform({
    context: req.context,
    file: req.file ?? `${req.context}/Dockerfile`,
    target: req.target,
    buildArgs: req.buildArgs ?? {},
    labels: req.labels ?? {},
    secrets: req.secrets ?? [],
    network: req.network,
    platform: req.platform ?? nativePlatform(),
    onLine: req.onLine ?? (() => undefined),
  });
  for (const ref of req.tags) await tagImage(imageId, ref);
  return imageId;
}
