export interface Span {
  start: number;
  end: number;
}

/**
 * `candidates` that overlap neither each other (the earlier, then longer, one wins) nor any of
 * `kept` (sorted by start, disjoint); returned merged with `kept`, sorted by start. Linear after
 * the sort.
 */
export function addDisjoint<T extends Span>(candidates: readonly T[], kept: readonly T[]): T[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: T[] = [];
  let k = 0;
  let lastEnd = -1;
  for (const m of sorted) {
    while (k < kept.length && (kept[k]?.end ?? 0) <= m.start) k++;
    if (m.start < lastEnd || (kept[k]?.start ?? Infinity) < m.end) continue;
    out.push(m);
    lastEnd = m.end;
  }
  return [...kept, ...out].sort((a, b) => a.start - b.start);
}
