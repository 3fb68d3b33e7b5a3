import { selectBuildEngine } from './build-engines/select-build-engine';
import { tagImage } from './image-ref';

export interface BuildImageRequest {
  context: string;
  file?: string;
  tags: string[];
  platform?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  network?: string;
  onLine?: (line: string) => void;
}

export const nativePlatform = () => `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`;

/** One BuildKit build for one platform (the engine's own by default), tagged in the local engine. */
export async function buildImage(req: BuildImageRequest): Promise<string> {
  const engine = await selectBuildEngine('auto');
  const { imageId } = await engine.buildPlatform({
    context: req.context,
    file: req.file ?? `${req.context}/Dockerfile`,
    target: req.target,
    buildArgs: req.buildArgs ?? {},
    labels: req.labels ?? {},
    secrets: [],
    network: req.network,
    platform: req.platform ?? nativePlatform(),
    onLine: req.onLine ?? (() => undefined),
  });
  for (const ref of req.tags) await tagImage(imageId, ref);
  return imageId;
}
