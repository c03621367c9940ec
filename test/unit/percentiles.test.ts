import { describe, expect, it } from 'vitest';
import { nearestRank, spreadOf } from '../../src/core/percentiles.ts';

describe('percentiles', () => {
  it('takes the nearest rank, in any input order', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(spreadOf(values)).toEqual({ p50: 50, p95: 95 });
    expect(nearestRank([7], 95)).toBe(7);
    expect(spreadOf([])).toEqual({ p50: 0, p95: 0 });
  });
});
