import { type Cataloger, type FoundPackage, parseHeaderBlock } from './found-package';
import type { ImageFile } from './image-files';

const STATUS = 'var/lib/dpkg/status';
/** Distroless images keep one stanza per package here instead of one status file. */
const STATUS_D = 'var/lib/dpkg/status.d/';
const COPYRIGHT = /^usr\/share\/doc\/([^/]+)\/copyright$/;

function osRelease(files: ReadonlyMap<string, ImageFile>): { id: string; version?: string } {
  const text = (files.get('etc/os-release') ?? files.get('usr/lib/os-release'))?.content.toString('utf8') ?? '';
  const field = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1];
  return { id: field('ID') ?? 'debian', version: field('VERSION_ID') };
}

/** The `License:` short names of a machine-readable (DEP-5) copyright file; none for free-form ones. */
function copyrightLicenses(file: ImageFile | undefined): string[] {
  if (!file) return [];
  const names = new Set<string>();
  for (const m of file.content.toString('utf8').matchAll(/^License:[ \t]*(\S[^\n]*)$/gm)) names.add(m[1].trim());
  return [...names].sort();
}

function stanzas(text: string): Array<Map<string, string>> {
  return text
    .split(/\n\s*\n/)
    .map((block) => new Map(parseHeaderBlock(block)))
    .filter((s) => s.has('Package'));
}

/** Debian packages from dpkg's status file or a distroless `status.d/`, with licences from their copyright files. */
export const dpkgDatabase: Cataloger = {
  wants: (path) =>
    path === STATUS ||
    (path.startsWith(STATUS_D) && !path.endsWith('.md5sums')) ||
    COPYRIGHT.test(path) ||
    path === 'etc/os-release' ||
    path === 'usr/lib/os-release',
  packages(files) {
    const os = osRelease(files);
    const found: FoundPackage[] = [];
    for (const file of files.values()) {
      if (file.path !== STATUS && !file.path.startsWith(STATUS_D)) continue;
      for (const s of stanzas(file.content.toString('utf8'))) {
        // The status file keeps removed-but-configured packages too; status.d stanzas have no Status field.
        const status = s.get('Status');
        if (status && !/ installed$/.test(status)) continue;
        const name = s.get('Package')!;
        const version = s.get('Version') ?? '';
        const arch = s.get('Architecture');
        const qualifiers = [arch && `arch=${arch}`, os.version && `distro=${os.id}-${os.version}`].filter(Boolean).join('&');
        found.push({
          ecosystem: 'deb',
          name,
          version,
          licenses: copyrightLicenses(files.get(`usr/share/doc/${name}/copyright`)),
          purl: `pkg:deb/${os.id}/${encodeURIComponent(name)}@${encodeURIComponent(version)}${qualifiers ? `?${qualifiers}` : ''}`,
          path: `/${file.path}`,
          layer: file.layer,
        });
      }
    }
    return found;
  },
};
