import { pathArguments } from '../../../../dockerfile/dockerfile-model';
import { reporter, type Rule } from '../rule';

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2?)$/i;
const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/i;

export const noAddLocal: Rule = {
  id: 'JD005',
  name: 'no-add-local',
  hadolint: ['DL3020'],
  reason: 'ADD silently unpacks archives and fetches URLs; COPY does only what it says (ADD stays for local tar archives)',
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
