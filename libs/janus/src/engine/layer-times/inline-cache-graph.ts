/** One record of BuildKit's inline cache (the `moby.buildkit.cache.v0` config field): a cache key and its inputs. */
export interface InlineCacheRecord {
  digest: string;
  layers?: Array<{ layer: number; createdAt?: string }>;
  inputs?: Array<Array<{ selector?: string; link: number }>>;
}

/**
 * The inline cache graph with one key per input: where BuildKit lists alternatives for an input (the same base
 * reached under two cache keys, one of them left by another build on this engine), only the alternative with
 * the lowest digest stays, records only the dropped alternatives linked to go, and the rest keep BuildKit's order (by
 * digest). The alternatives BuildKit writes depend on what the engine's cache held, so the same inputs gave two
 * image configs, two ids and two registry digests (a fresh CI machine saw a rebuild of an unchanged image
 * stage another digest). One key per input still matches on import wherever that key is computed.
 */
export function canonicalInlineCache(records: InlineCacheRecord[]): InlineCacheRecord[] {
  const chosen = records.map((r) => ({
    ...r,
    ...(r.inputs
      ? {
          inputs: r.inputs.map((alternatives) =>
            alternatives.length <= 1 ? alternatives : [[...alternatives].sort((a, b) => records[a.link].digest.localeCompare(records[b.link].digest))[0]],
          ),
        }
      : {}),
  }));
  // Keep what carries a layer and everything it reaches through the remaining links.
  const keep = new Set<number>();
  const visit = (i: number) => {
    if (keep.has(i)) return;
    keep.add(i);
    for (const alternatives of chosen[i].inputs ?? []) for (const a of alternatives) visit(a.link);
  };
  chosen.forEach((r, i) => r.layers?.length && visit(i));
  // A record nothing linked to before is BuildKit's business, not an alternative this dropped: it stays.
  const linkedBefore = new Set(records.flatMap((r) => (r.inputs ?? []).flat().map((a) => a.link)));
  records.forEach((_, i) => !linkedBefore.has(i) && keep.add(i));
  const order = [...keep].sort((a, b) => a - b);
  const index = new Map(order.map((old, i) => [old, i]));
  return order.map((old) => {
    const r = chosen[old];
    return r.inputs ? { ...r, inputs: r.inputs.map((alts) => alts.map((a) => ({ ...a, link: index.get(a.link)! }))) } : r;
  });
}
