/** Nearest-rank percentiles of a sample: what queue operators read first (p50, p95). */
export interface Spread {
  p50: number;
  p95: number;
}

/** The value at or below which `p` percent of `sorted` lies (ascending input); 0 for none. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: nearestRank(sorted, 50), p95: nearestRank(sorted, 95) };
}
