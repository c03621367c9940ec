/** Nearest-rank percentiles: what queue operators read first (p50, p95). */
export interface Spread {
  p50: number;
  p95: number;
}

/**
 * Nearest-rank percentiles of a histogram (bins ascending, each with the largest value it holds):
 * the upper edge of the bin holding the rank, so never below the exact value and at most one
 * bin's width above it; 0 for an empty histogram.
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
