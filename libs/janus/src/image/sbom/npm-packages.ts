import type { Cataloger, FoundPackage } from './found-package';

/** A package's own manifest, directly in its folder under node_modules (not a nested fixture's). */
const PACKAGE_JSON = /(^|\/)node_modules\/((@[^/]+\/)?[^/@][^/]*)\/package\.json$/;

interface PackageJson {
  name?: string;
  version?: string;
  license?: string | { type?: string };
  licenses?: Array<{ type?: string } | string>;
}

function licenses(pkg: PackageJson): string[] {
  const one = (l: string | { type?: string } | undefined) => (typeof l === 'string' ? l : l?.type);
  if (pkg.license) return [one(pkg.license)].filter((l): l is string => Boolean(l));
  return (pkg.licenses ?? []).map(one).filter((l): l is string => Boolean(l));
}

/** npm packages from each `node_modules/<name>/package.json`, the global ones (npm itself) included. */
export const npmPackages: Cataloger = {
  wants: (path) => PACKAGE_JSON.test(path),
  packages(files) {
    const found: FoundPackage[] = [];
    for (const file of files.values()) {
      if (!PACKAGE_JSON.test(file.path)) continue;
      let pkg: PackageJson;
      try {
        pkg = JSON.parse(file.content.toString('utf8')) as PackageJson;
      } catch {
        continue; // not a package manifest (a template or a test fixture named package.json)
      }
      if (!pkg.name || !pkg.version) continue;
      const [scope, bare] = pkg.name.startsWith('@') ? pkg.name.split('/') : [undefined, pkg.name];
      found.push({
        ecosystem: 'npm',
        name: pkg.name,
        version: pkg.version,
        licenses: licenses(pkg),
        purl: `pkg:npm/${scope ? `${encodeURIComponent(scope)}/` : ''}${encodeURIComponent(bare)}@${encodeURIComponent(pkg.version)}`,
        path: `/${file.path}`,
        layer: file.layer,
      });
    }
    return found;
  },
};
