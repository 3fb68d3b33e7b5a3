import type { ContainerEngine } from '../../../engine/container-engine';
import { saveImage } from '../../../engine/image-store';
import { formatBytes } from '../../../image/format-bytes';
import { LayerFilesCache } from '../../../image/layer-files-cache';
import { imageLayers, largestPaths, type LayerFiles, top } from '../../../image/layer-paths';

export interface PlatformSize {
  platform: string;
  size: number;
  layers: LayerFiles[];
}

/** Below this share of the budget, new layers are summed up unlisted: nothing in them is worth trimming. */
const UNLISTED_SHARE = 0.01;

/**
 * The image's layers and the files each holds. Layers listed by an earlier build come from the listing cache
 * (by diff id); the engine's `docker save` of the whole image, which costs seconds for a large base layer, is
 * read only when a new layer is big enough to be worth listing (1% of the budget or more) or the image is over
 * budget (its message lists the largest paths of the whole filesystem).
 */
export async function platformSize(
  s: { platform: string; imageId: string; size: number; diffIds: string[]; budgetMb: number; cacheFile: string },
  engine?: ContainerEngine,
): Promise<PlatformSize> {
  const cache = new LayerFilesCache(s.cacheFile);
  const cached = cache.lookup(s.diffIds);
  const listed = cached.filter((l): l is LayerFiles => l !== undefined);
  const unlisted = Math.max(0, s.size - listed.reduce((sum, l) => sum + l.size, 0));
  const newLayers = cached.length - listed.length;
  const budget = s.budgetMb * 1e6;
  if (s.diffIds.length > 0 && s.size <= budget && (newLayers === 0 || unlisted < budget * UNLISTED_SHARE)) {
    const rest = newLayers
      ? [{ createdBy: `${newLayers} new layer${newLayers === 1 ? '' : 's'} (under 1% of the budget: files not listed)`, size: unlisted, files: new Map() }]
      : [];
    return { platform: s.platform, size: s.size, layers: [...listed, ...rest] };
  }
  const layers = await imageLayers(await saveImage(s.imageId, engine));
  if (layers.length === s.diffIds.length) cache.store(s.diffIds, layers);
  return { platform: s.platform, size: s.size, layers };
}

const mb = (budgetMb: number) => `${budgetMb} MB`;

/**
 * What the build summary says of sizes: each platform's size beside the budget, then its largest layers with the
 * files that make them up, so what to trim is in the log instead of to be found by hand.
 */
export function sizeSummary(sizes: PlatformSize[], budgetMb: number, layerCount = 3, pathCount = 3): string {
  const lines: string[] = [];
  for (const s of sizes) {
    lines.push(`${s.platform}: ${formatBytes(s.size)} of the ${mb(budgetMb)} budget (sizeBudgetMb)${s.size > budgetMb * 1e6 ? ', OVER' : ''}`);
    for (const l of [...s.layers].sort((a, b) => b.size - a.size).slice(0, layerCount)) {
      lines.push(`  ${formatBytes(l.size).padStart(9)}  ${l.createdBy}`);
      for (const f of top(l.files, pathCount)) lines.push(`  ${' '.repeat(9)}    ${formatBytes(f.size).padStart(9)}  ${f.path}`);
    }
  }
  return lines.join('\n');
}

/** The message for an image over budget: the platform, its size, the budget and the five largest paths in it. */
export function overBudgetMessage(s: PlatformSize, budgetMb: number): string {
  return [
    `${s.platform}: image is ${formatBytes(s.size)}, over the size budget of ${mb(budgetMb)} (sizeBudgetMb); nothing was tagged or pushed. Largest paths:`,
    ...largestPaths(s.layers, 5).map((f) => `  ${formatBytes(f.size).padStart(9)}  ${f.path}`),
  ].join('\n');
}
