import type { ContainerEngine } from '../../../engine/container-engine';
import { saveImage } from '../../../engine/image-store';
import { formatBytes } from '../../../image/format-bytes';
import { imageLayers, largestPaths, type LayerFiles, top } from '../../../image/layer-paths';

export interface PlatformSize {
  platform: string;
  size: number;
  layers: LayerFiles[];
}

/** The image's layers and the files each holds, read from the engine. */
export async function platformSize(platform: string, imageId: string, size: number, engine?: ContainerEngine): Promise<PlatformSize> {
  return { platform, size, layers: await imageLayers(await saveImage(imageId, engine)) };
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
