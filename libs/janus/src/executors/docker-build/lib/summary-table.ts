import type { BuildMetadata } from './metadata';
import { formatBytes } from './size-budget';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function summaryTable(m: BuildMetadata, seconds: number): string {
  const rows = [['platform', 'digest', 'size', 'build']];
  for (const p of m.platforms) {
    rows.push([p.platform, (p.digest ?? p.imageId).slice(0, 19), formatBytes(p.size), `${p.buildSeconds.toFixed(1)} s`]);
  }
  return [
    `image   ${m.image}`,
    `tags    ${m.tags.join(', ')}`,
    m.indexDigest ? `index   ${m.indexDigest}` : `index   (not pushed)`,
    '',
    table(rows),
    '',
    `total   ${seconds.toFixed(1)} s with ${m.engine}`,
  ].join('\n');
}
