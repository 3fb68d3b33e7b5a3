import type * as CycloneDx from '@cyclonedx/cyclonedx-library';
import { createHash } from 'node:crypto';
import type { FoundPackage } from './found-package';

export const CYCLONEDX_PREDICATE = 'https://cyclonedx.org/bom';

/** The image an SBOM describes: its repository, manifest digest and platform. */
export interface SbomSubject {
  repository: string;
  digest: string;
  platform: string;
}

/**
 * The CycloneDX library, loaded when an SBOM is made: every build loads this module (its attestations live
 * beside the build), and most builds (nothing pushed) make no SBOM, so they do not pay for loading the library.
 */
function cycloneDx(): typeof CycloneDx {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  return require('@cyclonedx/cyclonedx-library') as typeof CycloneDx;
}

/** The same image always gets the same serial number, so two SBOMs of one image are byte for byte the same. */
function serialNumber(digest: string): string {
  const h = createHash('sha256').update(`janus-sbom:${digest}`).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The CycloneDX 1.6 document (JSON, as an object) for one platform image, made with the CycloneDX library rather
 * than by hand. Deterministic: no timestamp, a serial number derived from the image digest, components sorted.
 */
export function cycloneDxDocument(subject: SbomSubject, packages: readonly FoundPackage[], janusVersion: string): Record<string, unknown> {
  const { Contrib, Enums, Models, Serialize, Spec } = cycloneDx();
  const { Bom, Component, Property, Tool } = Models;
  const { ComponentType } = Enums;
  // Without an SPDX expression parser every compound licence ("MIT OR Apache-2.0") is kept as a name: true to the
  // package's words, and a valid CycloneDX licence either way. Single SPDX ids are recognised by the library.
  const licenseFactory = new Contrib.License.Factories.LicenseFactory(() => {
    throw new Error('expressions are kept as names');
  });
  const bom = new Bom({ serialNumber: serialNumber(subject.digest) });
  bom.metadata.component = new Component(ComponentType.Container, subject.repository, {
    version: subject.digest,
    bomRef: `${subject.repository}@${subject.digest}`,
  });
  bom.metadata.component.properties.add(new Property('janus:platform', subject.platform));
  bom.metadata.tools.tools.add(new Tool({ vendor: 'janus', name: 'janus', version: janusVersion }));
  for (const p of packages) {
    const component = new Component(p.ecosystem === 'binary' ? ComponentType.Application : ComponentType.Library, p.name, {
      version: p.version,
      purl: p.purl,
      bomRef: `${p.purl}#${p.path}`,
    });
    for (const l of p.licenses) component.licenses.add(licenseFactory.makeFromString(l));
    component.properties.add(new Property('janus:package-type', p.ecosystem));
    component.properties.add(new Property('janus:location', p.path));
    component.properties.add(new Property('janus:layer', p.layer));
    bom.components.add(component);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return JSON.parse(serializer.serialize(bom, { sortLists: true })) as Record<string, unknown>;
}
