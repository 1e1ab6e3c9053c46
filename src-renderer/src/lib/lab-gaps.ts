// Stretches of time the renderer knows it holds incomplete: kept sorted and disjoint, merged as
// they are added and cut as they are filled.

export interface Gap {
  /** µs, inclusive. */
  from: number;
  /** µs, exclusive. */
  to: number;
}

export function addGap(gaps: readonly Gap[], gap: Gap): Gap[] {
  if (gap.to <= gap.from) return [...gaps];
  const merged = { ...gap };
  const rest: Gap[] = [];
  for (const g of gaps) {
    if (g.to < merged.from || g.from > merged.to) rest.push(g);
    else {
      merged.from = Math.min(merged.from, g.from);
      merged.to = Math.max(merged.to, g.to);
    }
  }
  return [...rest, merged].sort((a, b) => a.from - b.from);
}

export function removeGap(gaps: readonly Gap[], filled: Gap): Gap[] {
  return gaps.flatMap((g) => {
    if (g.to <= filled.from || g.from >= filled.to) return [g];
    const left = g.from < filled.from ? [{ from: g.from, to: filled.from }] : [];
    const right = g.to > filled.to ? [{ from: filled.to, to: g.to }] : [];
    return [...left, ...right];
  });
}

/** The first gap's part inside [fromUs, toUs), or null when that stretch is complete. */
export function overlapping(gaps: readonly Gap[], fromUs: number, toUs: number): Gap | null {
  const g = gaps.find((x) => x.to > fromUs && x.from < toUs);
  return g ? { from: Math.max(g.from, fromUs), to: Math.min(g.to, toUs) } : null;
}
