import type { ContainerEngine } from '../../../engine/container-engine';
import { imageHistory } from '../../../engine/image-store';
import { formatBytes } from '../../../image/format-bytes';

export interface LayerSize {
  createdBy: string;
  size: number;
}

export async function largestLayers(imageId: string, count = 5, engine?: ContainerEngine): Promise<LayerSize[]> {
  return (await imageHistory(imageId, engine))
    .map((h) => ({
      createdBy: h.createdBy
        .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
        .replace(/\s+/g, ' ')
        .slice(0, 110),
      size: h.size,
    }))
    .sort((a, b) => b.size - a.size)
    .slice(0, count);
}

/** The message for an image over budget: the figures and the layers to look at first. */
export function overBudgetMessage(platform: string, size: number, budgetMb: number, layers: LayerSize[]): string {
  return [
    `${platform}: image is ${formatBytes(size)}, over the size budget of ${budgetMb} MB (sizeBudgetMb). Largest layers:`,
    ...layers.map((l) => `  ${formatBytes(l.size).padStart(9)}  ${l.createdBy}`),
  ].join('\n');
}
