import type { ImageFile } from './image-files';

/** The package databases an SBOM is read from. */
export type PackageEcosystem = 'deb' | 'python' | 'npm' | 'binary';

/** One installed package as its database in the image records it. */
export interface FoundPackage {
  ecosystem: PackageEcosystem;
  name: string;
  version: string;
  /** Licence names or SPDX ids as the package declares them (Debian's copyright files use their own short names). */
  licenses: string[];
  /** A package URL (purl): how scanners match the package to advisories. */
  purl: string;
  /** The file it was read from, and the layer that wrote it. */
  path: string;
  layer: string;
}

/** Reads one kind of package database: which files it needs, and the packages they record. */
export interface Cataloger {
  wants(path: string): boolean;
  packages(files: ReadonlyMap<string, ImageFile>): FoundPackage[];
}

/** RFC 822-style header blocks (dpkg status, Python METADATA): `Key: value` with indented continuation lines. */
export function parseHeaderBlock(text: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1][1] += `\n${line.trim()}`;
    else {
      const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
      if (m) fields.push([m[1], m[2].trim()]);
    }
  }
  return fields;
}
