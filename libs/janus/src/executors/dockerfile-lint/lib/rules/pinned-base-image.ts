import { reporter, type Rule } from '../rule';

export const pinnedBaseImage: Rule = {
  id: 'JD006',
  name: 'pinned-base-image',
  hadolint: ['DL3006', 'DL3007'],
  reason: 'an untagged or :latest base changes under you between two builds of the same commit',
  check({ model }) {
    const report = reporter(this);
    const stages = new Set<string>();
    const findings = [];
    for (const stage of model.stages) {
      const raw = (stage.from.getImage() ?? '').trim();
      const image = model.resolve(raw);
      if (image.toLowerCase() === 'scratch' || stages.has(image.toLowerCase())) {
        // scratch and earlier stages are not pulled from anywhere
      } else if (image.includes('$')) {
        // given entirely at build time (e.g. --build-arg BASE_IMAGE with no default): nothing to judge here
      } else if (!image.includes('@')) {
        const lastSegment = image.slice(image.lastIndexOf('/') + 1);
        const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
        const via = raw !== image ? ` (from ${raw})` : '';
        if (!tag) findings.push(report(stage.from, `base image ${image}${via} has no tag`, 'DL3006'));
        else if (tag === 'latest') findings.push(report(stage.from, `base image ${image}${via} uses :latest`, 'DL3007'));
      }
      if (stage.name) stages.add(stage.name.toLowerCase());
    }
    return findings;
  },
};
