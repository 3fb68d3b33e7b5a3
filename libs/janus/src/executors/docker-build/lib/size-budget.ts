import type Docker from 'dockerode';

export interface LayerSize {
  createdBy: string;
  size: number;
}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export async function largestLayers(docker: Docker, imageId: string, count = 5): Promise<LayerSize[]> {
  const history = (await docker.getImage(imageId).history()) as Array<{ CreatedBy: string; Size: number }>;
  return history
    .map((h) => ({
      createdBy: h.CreatedBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
        .replace(/\s+/g, ' ')
        .slice(0, 110),
      size: h.Size,
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
