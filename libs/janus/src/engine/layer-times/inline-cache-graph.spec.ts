import { canonicalInlineCache, type InlineCacheRecord } from './inline-cache-graph';

// The two inline caches a fresh CI engine wrote for one unchanged image (cut to their shape): the first build
// had met the base under a second cache key (another spec's build on the engine), the rebuild had not.
const withAlternative: InlineCacheRecord[] = [
  { digest: 'sha256:01' },
  { digest: 'sha256:1c', layers: [{ layer: 1 }], inputs: [[{ link: 2 }, { link: 4 }]] },
  { digest: 'sha256:24' },
  { digest: 'sha256:4d', layers: [{ layer: 3 }], inputs: [[{ link: 6 }], [{ link: 5 }]] },
  { digest: 'sha256:81' },
  { digest: 'sha256:83' },
  { digest: 'sha256:eb', layers: [{ layer: 2 }], inputs: [[{ link: 1 }], [{ link: 0 }]] },
];
const without: InlineCacheRecord[] = [
  { digest: 'sha256:01' },
  { digest: 'sha256:1c', layers: [{ layer: 1 }], inputs: [[{ link: 2 }]] },
  { digest: 'sha256:24' },
  { digest: 'sha256:4d', layers: [{ layer: 3 }], inputs: [[{ link: 5 }], [{ link: 4 }]] },
  { digest: 'sha256:83' },
  { digest: 'sha256:eb', layers: [{ layer: 2 }], inputs: [[{ link: 1 }], [{ link: 0 }]] },
];

describe('canonicalInlineCache', () => {
  it('gives the same graph whether or not the engine had met an input under a second key', () => {
    expect(canonicalInlineCache(withAlternative)).toEqual(without);
    expect(canonicalInlineCache(without)).toEqual(without);
  });

  it('keeps the lowest-digest alternative whatever order BuildKit listed the alternatives in, and every link still names its record', () => {
    const swapped = withAlternative.map((r) => (r.digest === 'sha256:1c' ? { ...r, inputs: [[{ link: 4 }, { link: 2 }]] } : r));
    const out = canonicalInlineCache(swapped);
    expect(out).toEqual(without);
    for (const r of out) for (const alts of r.inputs ?? []) for (const a of alts) expect(out[a.link]).toBeDefined();
  });
});
