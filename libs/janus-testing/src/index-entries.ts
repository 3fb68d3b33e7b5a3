/**
 * An image index's image entries, without the attestation manifests (SBOM, provenance) that BuildKit's layout
 * adds beside them: what a pull picks a platform from.
 */
export function imageEntries(manifests: unknown): unknown[] {
  return (manifests as Array<{ annotations?: Record<string, string> }>).filter((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
}
