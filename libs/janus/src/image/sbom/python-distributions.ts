import { type Cataloger, type FoundPackage, parseHeaderBlock } from './found-package';

const METADATA = /(^|\/)[^/]+\.dist-info\/METADATA$|(^|\/)[^/]+\.egg-info(\/PKG-INFO)?$/;

/** PEP 503's normal form, as purls for PyPI spell names. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function licenses(fields: Array<[string, string]>): string[] {
  const expression = fields.find(([k]) => k === 'License-Expression')?.[1];
  if (expression) return [expression];
  const classifiers = fields
    .filter(([k, v]) => k === 'Classifier' && v.startsWith('License ::'))
    .map(([, v]) => v.split('::').pop()!.trim())
    .filter((v) => v !== 'OSI Approved');
  if (classifiers.length) return classifiers;
  // The free-text License field: kept when it is a name, not a whole licence text pasted in.
  const text = fields.find(([k]) => k === 'License')?.[1];
  return text && text !== 'UNKNOWN' && !text.includes('\n') && text.length <= 80 ? [text] : [];
}

/** Python distributions from their installed metadata (`*.dist-info/METADATA`, `*.egg-info`), wherever they are installed. */
export const pythonDistributions: Cataloger = {
  wants: (path) => METADATA.test(path),
  packages(files) {
    const found: FoundPackage[] = [];
    for (const file of files.values()) {
      if (!METADATA.test(file.path)) continue;
      // The header ends at the first blank line; the description follows.
      const fields = parseHeaderBlock(file.content.toString('utf8').split(/\r?\n\r?\n/)[0]);
      const name = fields.find(([k]) => k === 'Name')?.[1];
      const version = fields.find(([k]) => k === 'Version')?.[1];
      if (!name || !version) continue;
      found.push({
        ecosystem: 'python',
        name,
        version,
        licenses: licenses(fields),
        purl: `pkg:pypi/${encodeURIComponent(normalizeName(name))}@${encodeURIComponent(version)}`,
        path: `/${file.path}`,
        layer: file.layer,
      });
    }
    return found;
  },
};
