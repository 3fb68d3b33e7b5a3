import { pathArguments } from '../../../../dockerfile/dockerfile-model';
import { reporter, type Rule } from '../rule';

// What Docker unpacks: a tar, plain or compressed with gzip, bzip2, xz or zstd (by name here, as hadolint
// judges it too). zip, lzma and the like are copied as they are, so ADD buys nothing for them.
const ARCHIVE = /\.(tar|tgz|taz|tbz|tbz2|tb2|txz|tzst|gz|bz2|xz|zst)$/i;
const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/i;

export const noAddLocal: Rule = {
  id: 'JD005',
  name: 'no-add-local',
  hadolint: ['DL3020'],
  reason: 'ADD silently unpacks archives and fetches URLs; COPY does only what it says (ADD stays for URLs and local tar archives)',
  check({ model }) {
    const report = reporter(this);
    return model.find('ADD').flatMap(({ stage, instruction: i }) => {
      const sources = pathArguments(i).slice(0, -1);
      const local = sources.filter((s) => {
        const resolved = model.resolve(s, stage, i);
        return !REMOTE.test(resolved) && !ARCHIVE.test(resolved);
      });
      return local.length ? [report(i, `ADD of local ${local.join(', ')}; use COPY`)] : [];
    });
  },
};
