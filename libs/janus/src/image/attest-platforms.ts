import { formatPlatform } from '../oci/platform';
import type { PlatformManifest } from '../registry/manifest-list';
import { type AttestationDescriptor, type InTotoStatement, inTotoStatement, pushAttestationManifest } from '../registry/attestation-manifest';
import type { BuildRecord } from './build-record';
import { dockerPurl, SLSA_PROVENANCE_V1, slsaProvenance } from './provenance';
import type { RegistryTarget } from './publish-image';
import { CYCLONEDX_PREDICATE, cycloneDxDocument } from './sbom/cyclonedx-document';
import { SbomError } from './sbom/image-files';
import { countPackages, imagePackages, type PackageCounts } from './sbom/image-packages';
import { registryLayers } from './sbom/registry-layers';

export interface PlatformAttestations {
  descriptors: AttestationDescriptor[];
  /** SBOM package counts per platform (`linux/amd64`), when SBOMs were made. */
  packages: Record<string, PackageCounts>;
}

/**
 * The SBOM and provenance of each platform image, uploaded as attestation manifests by digest (BuildKit's
 * layout), ready for the index to name. Deterministic for one record and one set of images: docker-build and a
 * later docker-push make byte-identical attestations, so the index digest the record names stays true.
 * An image whose packages cannot be read fails here, before any tag moves, naming platform, layer and path.
 */
export async function attestPlatforms(
  target: RegistryTarget,
  platforms: readonly PlatformManifest[],
  record: Pick<BuildRecord, 'tags' | 'attestations' | 'provenance' | 'buildArgs' | 'secrets'>,
  onLine: (line: string) => void,
): Promise<PlatformAttestations> {
  const wants = record.attestations ?? { sbom: false, provenance: false };
  const result: PlatformAttestations = { descriptors: [], packages: {} };
  if (!wants.sbom && !(wants.provenance && record.provenance)) return result;
  for (const p of platforms) {
    const platform = formatPlatform(p.platform);
    const subject = dockerPurl(`${target.registry}/${target.repository}@${record.tags[0]}`, platform);
    const statements: InTotoStatement[] = [];
    if (wants.sbom) {
      const packages = await imagePackages(await registryLayers(target.client, target.repository, p.digest)).catch((e: unknown) => {
        if (e instanceof SbomError) throw new Error(`[${platform}] ${e.message}`, { cause: e });
        throw e;
      });
      result.packages[platform] = countPackages(packages);
      const document = cycloneDxDocument(
        { repository: `${target.registry}/${target.repository}`, digest: p.digest, platform },
        packages,
        record.provenance?.builder.janus ?? 'unknown',
      );
      statements.push(inTotoStatement(subject, p.digest, CYCLONEDX_PREDICATE, document));
    }
    if (wants.provenance && record.provenance) {
      const predicate = slsaProvenance(
        record.provenance,
        platform,
        record.buildArgs,
        record.secrets.map((s) => s.id),
      );
      statements.push(inTotoStatement(subject, p.digest, SLSA_PROVENANCE_V1, predicate));
    }
    const descriptor = await pushAttestationManifest(target.client, target.repository, p.digest, statements);
    result.descriptors.push(descriptor);
    const counts = result.packages[platform];
    onLine(
      `[${platform}] attestations ${descriptor.digest.slice(0, 19)}: ` +
        [
          counts && `SBOM of ${counts.deb} deb, ${counts.python} python, ${counts.npm} npm, ${counts.binary} binary packages`,
          wants.provenance && record.provenance && 'SLSA provenance',
        ]
          .filter(Boolean)
          .join(' + '),
    );
  }
  return result;
}
