import { describe, expect, it } from 'vitest';
import { histogramSpread } from '../../src/core/percentiles.ts';

describe('percentiles', () => {
  it('reads a histogram at the nearest rank, answering the upper edge of the bin that holds it', () => {
    // 10 values: five in [0, 0], four in [7, 8], one in [31, 37]; p50 is the 5th, p95 the 10th.
    const bins = [
      { hi: 0, n: 5 },
      { hi: 8, n: 4 },
      { hi: 37, n: 1 },
    ];
    expect(histogramSpread(bins)).toEqual({ p50: 0, p95: 37 });
    // 100 values of 1..100 in single-value bins: the exact nearest ranks.
    expect(histogramSpread(Array.from({ length: 100 }, (_, i) => ({ hi: i + 1, n: 1 })))).toEqual({ p50: 50, p95: 95 });
    expect(histogramSpread([{ hi: 8, n: 1 }])).toEqual({ p50: 8, p95: 8 });
    expect(histogramSpread([])).toEqual({ p50: 0, p95: 0 });
  });
});
