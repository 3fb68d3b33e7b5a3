import { dpkgDatabase } from './dpkg-database';
import type { Cataloger, FoundPackage, PackageEcosystem } from './found-package';
import { finalFiles, type ImageLayer, SbomError } from './image-files';
import { interpreterBinaries } from './interpreter-binaries';
import { npmPackages } from './npm-packages';
import { pythonDistributions } from './python-distributions';

const CATALOGERS: readonly Cataloger[] = [dpkgDatabase, pythonDistributions, npmPackages, interpreterBinaries];

/** Package databases janus does not read: an SBOM that left them out would claim an image holds less than it does. */
const UNREAD_DATABASES = new Set([
  'lib/apk/db/installed',
  'var/lib/rpm/Packages',
  'var/lib/rpm/Packages.db',
  'var/lib/rpm/rpmdb.sqlite',
  'usr/lib/sysimage/rpm/Packages.db',
  'usr/lib/sysimage/rpm/rpmdb.sqlite',
]);

/**
 * Every package the image's final filesystem records. An image without any database (FROM scratch with copied
 * files) is not an error: what is there is listed, interpreters by their binaries.
 */
export async function imagePackages(layers: readonly ImageLayer[]): Promise<FoundPackage[]> {
  const files = await finalFiles(layers, (p) => UNREAD_DATABASES.has(p) || CATALOGERS.some((c) => c.wants(p)));
  const unread = [...files.values()].find((f) => UNREAD_DATABASES.has(f.path));
  if (unread) {
    throw new SbomError(
      unread.layer,
      unread.path,
      'a package database janus does not read (it reads dpkg status and status.d, Python dist-info/egg-info and npm package.json); turn SBOMs off with sbom: false to build without one',
    );
  }
  return CATALOGERS.flatMap((c) => c.packages(files)).sort((a, b) => a.purl.localeCompare(b.purl) || a.path.localeCompare(b.path));
}

export type PackageCounts = Record<PackageEcosystem, number>;

export function countPackages(packages: readonly Pick<FoundPackage, 'ecosystem'>[]): PackageCounts {
  const counts: PackageCounts = { deb: 0, python: 0, npm: 0, binary: 0 };
  for (const p of packages) counts[p.ecosystem]++;
  return counts;
}
