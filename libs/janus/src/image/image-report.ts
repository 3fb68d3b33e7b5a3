import { ATTESTATION_MANIFEST, readAttestations, REFERENCE_DIGEST_ANNOTATION, REFERENCE_TYPE_ANNOTATION } from '../registry/attestation-manifest';
import { INDEX_TYPES } from '../oci/media-types';
import { formatBytes } from './format-bytes';
import { formatPlatform, type Platform } from '../oci/platform';
import { SLSA_PROVENANCE_V1 } from './provenance';
import type { RegistryTarget } from './publish-image';
import { CYCLONEDX_PREDICATE } from './sbom/cyclonedx-document';

/** What a published image says about itself, per platform, read from its registry only. */
export interface ImageReport {
  reference: string;
  digest: string;
  platforms: Array<{
    platform: string;
    digest: string;
    /** Compressed: what a pull downloads (layers and config). */
    bytes: number;
    layers: number;
    /** Components per package type (purl type), when an SBOM is attached. */
    sbom?: Record<string, number>;
    provenance?: { commit?: string; repository?: string; builder?: string; startedOn?: string; finishedOn?: string; baseImages: string[] };
  }>;
}

interface Descriptor {
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** `pkg:deb/…` → deb; janus's own property first, since a binary's purl is generic. */
function packageType(c: { purl?: string; properties?: Array<{ name: string; value: string }> }): string {
  const own = c.properties?.find((p) => p.name === 'janus:package-type')?.value;
  if (own) return own;
  const t = /^pkg:([^/]+)\//.exec(c.purl ?? '')?.[1];
  return t === 'pypi' ? 'python' : (t ?? 'other');
}

function sbomCounts(predicate: unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of (predicate as { components?: Array<{ purl?: string }> }).components ?? []) counts[packageType(c)] = (counts[packageType(c)] ?? 0) + 1;
  return counts;
}

function provenanceSummary(predicate: unknown): NonNullable<ImageReport['platforms'][number]['provenance']> {
  const p = predicate as {
    buildDefinition?: {
      externalParameters?: { source?: { commit?: string; repository?: string } };
      resolvedDependencies?: Array<{ uri: string; digest?: Record<string, string> }>;
    };
    runDetails?: { builder?: { id?: string }; metadata?: { startedOn?: string; finishedOn?: string } };
  };
  const source = p.buildDefinition?.externalParameters?.source;
  return {
    commit: source?.commit,
    repository: source?.repository,
    builder: p.runDetails?.builder?.id,
    startedOn: p.runDetails?.metadata?.startedOn,
    finishedOn: p.runDetails?.metadata?.finishedOn,
    baseImages: (p.buildDefinition?.resolvedDependencies ?? [])
      .filter((d) => d.uri.startsWith('pkg:docker/'))
      .map((d) => `${d.uri.replace(/^pkg:docker\//, '').replace(/\?.*$/, '')}@sha256:${d.digest?.sha256 ?? '?'}`),
  };
}

/** Reads the index under `ref` (a tag or digest), each platform manifest and the attestations that refer to it. */
export async function readImageReport(target: RegistryTarget, ref: string): Promise<ImageReport> {
  const { client, repository } = target;
  const index = await client.getManifest(repository, ref);
  const entries: Descriptor[] = INDEX_TYPES.includes(index.mediaType) ? (index.json.manifests as Descriptor[]) : [{ digest: index.digest, size: index.size }];
  const attestations = entries.filter((e) => e.annotations?.[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_MANIFEST);
  const report: ImageReport = { reference: `${target.registry}/${repository}:${ref}`, digest: index.digest, platforms: [] };
  for (const e of entries.filter((x) => !attestations.includes(x))) {
    const manifest = await client.getSingleManifest(repository, e.digest);
    const layers = (manifest.json.layers as Array<{ size?: number }> | undefined) ?? [];
    const config = (manifest.json.config as { size?: number } | undefined)?.size ?? 0;
    const entry: ImageReport['platforms'][number] = {
      platform: e.platform ? formatPlatform(e.platform) : 'unknown',
      digest: e.digest,
      bytes: layers.reduce((sum, l) => sum + (l.size ?? 0), config),
      layers: layers.length,
    };
    for (const a of attestations.filter((x) => x.annotations?.[REFERENCE_DIGEST_ANNOTATION] === e.digest)) {
      for (const s of await readAttestations(client, repository, a.digest)) {
        if (s.predicateType === CYCLONEDX_PREDICATE) entry.sbom = sbomCounts(s.predicate);
        if (s.predicateType === SLSA_PROVENANCE_V1) entry.provenance = provenanceSummary(s.predicate);
      }
    }
    report.platforms.push(entry);
  }
  return report;
}

export function formatImageReport(r: ImageReport): string {
  const lines = [`image   ${r.reference}`, `index   ${r.digest}`];
  for (const p of r.platforms) {
    lines.push('', `${p.platform}  ${p.digest}  ${formatBytes(p.bytes)} compressed in ${p.layers} layers`);
    if (p.sbom) {
      const total = Object.values(p.sbom).reduce((a, b) => a + b, 0);
      const parts = Object.entries(p.sbom)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([t, n]) => `${n} ${t}`);
      lines.push(`  sbom        ${total} packages (${parts.join(', ')})`);
    } else lines.push('  sbom        none attached');
    if (p.provenance) {
      const v = p.provenance;
      lines.push(`  provenance  commit ${v.commit ?? '?'}${v.repository ? ` of ${v.repository}` : ''}`);
      lines.push(`              built by ${v.builder ?? '?'} from ${v.startedOn ?? '?'} to ${v.finishedOn ?? '?'}`);
      for (const b of v.baseImages) lines.push(`              base ${b}`);
    } else lines.push('  provenance  none attached');
  }
  return lines.join('\n');
}
