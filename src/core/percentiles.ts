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

/**
 * Nearest-rank percentiles of a histogram (bins ascending, each with the largest value it holds):
 * the upper edge of the bin holding the rank, so never below the exact value and at most one
 * bin's width above it.
 */
export function histogramSpread(bins: readonly { hi: number; n: number }[]): Spread {
  const total = bins.reduce((sum, bin) => sum + bin.n, 0);
  const at = (p: number): number => {
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (const bin of bins) {
      seen += bin.n;
      if (seen >= rank) return bin.hi;
    }
    return 0;
  };
  return { p50: at(50), p95: at(95) };
}
