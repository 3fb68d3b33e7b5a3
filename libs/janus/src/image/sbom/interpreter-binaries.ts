import type { Cataloger, FoundPackage } from './found-package';

/**
 * Interpreters found by their binaries, for final stages that copy them in without a package database (FROM
 * scratch): the version is the one compiled into the binary, the way Syft's binary classifiers read it.
 */
const BINARIES: Array<{ path: RegExp; name: string; version: RegExp; license: string }> = [
  { path: /^(usr\/(local\/)?)?bin\/python3\.\d+$/, name: 'python', version: /\0(3\.\d+\.\d+)\0/, license: 'PSF-2.0' },
  { path: /^(usr\/(local\/)?)?bin\/node$/, name: 'node', version: /node\.js\/v(\d+\.\d+\.\d+)/, license: 'MIT' },
];

export const interpreterBinaries: Cataloger = {
  wants: (path) => BINARIES.some((b) => b.path.test(path)),
  packages(files) {
    const found: FoundPackage[] = [];
    for (const file of files.values()) {
      const kind = BINARIES.find((b) => b.path.test(file.path));
      const version = kind && kind.version.exec(file.content.toString('latin1'))?.[1];
      if (!kind || !version) continue;
      found.push({
        ecosystem: 'binary',
        name: kind.name,
        version,
        licenses: [kind.license],
        purl: `pkg:generic/${kind.name}@${version}`,
        path: `/${file.path}`,
        layer: file.layer,
      });
    }
    return found;
  },
};
