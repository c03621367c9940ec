import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/core/backoff.ts';

const policy = { baseDelayMs: 1000, maxDelayMs: 60_000 };

describe('retryDelayMs', () => {
  it('doubles per attempt, half fixed and half jittered', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, policy, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, policy, () => 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('caps at the maximum delay', () => {
    expect(retryDelayMs(20, policy, () => 1)).toBe(60_000);
    expect(retryDelayMs(20, policy, () => 0)).toBe(30_000);
  });
});
