import type { BuildRecord } from './build-record';
import { formatBytes } from './format-bytes';

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

/** Which engine built a platform: its endpoint and host, and whether it emulated the platform. */
function builderCell(platform: string, b: BuildRecord['platforms'][number]['builder']): string {
  if (!b) return '-';
  const emulated = b.native && b.native !== platform ? `, emulated on ${b.native}` : '';
  return `${b.endpoint}${b.name ? ` (${b.name}${emulated})` : emulated ? ` (${emulated.slice(2)})` : ''}`;
}

/** What the index carries besides the images: each platform's SBOM package counts, provenance, or why not. */
function attestationLines(m: BuildRecord): string[] {
  const a = m.attestations;
  if (!a) return [];
  const sbom = !a.sbom
    ? ['sbom    off (sbom: false): the index carries no SBOM']
    : !a.packages
      ? ['sbom    on: made from the registry when the index is published (docker-push)']
      : Object.entries(a.packages).map(
          ([platform, c]) =>
            `sbom    ${platform}: ${c.deb + c.python + c.npm + c.binary} packages (${c.deb} deb, ${c.python} python, ${c.npm} npm, ${c.binary} binary)`,
        );
  return [...sbom, `prov    ${a.provenance ? 'SLSA v1 provenance per platform' : 'off (provenance: false)'}`];
}

/** The table docker-build and docker-push print: tags, the list digest, and per platform its digest, size and build time. */
export function buildSummary(m: BuildRecord, seconds: number, createdFrom?: string): string {
  const uploads = m.platforms.some((p) => p.uploadedBytes !== undefined);
  const builders = m.platforms.some((p) => p.builder);
  const rows = [['platform', 'digest', 'size', 'build', ...(uploads ? ['uploaded'] : []), ...(builders ? ['builder'] : [])]];
  for (const p of m.platforms) {
    const uploaded = uploads ? [p.uploadedBytes === undefined ? '-' : formatBytes(p.uploadedBytes)] : [];
    rows.push([
      p.platform,
      (p.digest ?? p.imageId).slice(0, 19),
      formatBytes(p.size),
      `${p.buildSeconds.toFixed(1)} s`,
      ...uploaded,
      ...(builders ? [builderCell(p.platform, p.builder)] : []),
    ]);
  }
  const created = m.labels['org.opencontainers.image.created'];
  const attested = attestationLines(m);
  return [
    `image   ${m.image}`,
    `tags    ${m.tags.join(', ')}`,
    m.indexDigest ? `index   ${m.indexDigest}` : `index   (not pushed)`,
    ...(created ? [`created ${created}${createdFrom ? ` (${createdFrom})` : ''}`] : []),
    ...attested,
    '',
    table(rows),
    '',
    `total   ${seconds.toFixed(1)} s with ${m.engine}`,
  ].join('\n');
}
