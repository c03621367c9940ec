import { describe, expect, it } from 'vitest';
import { fitsInline, INLINE_LIMIT_BYTES } from '../../src/core/inline-payload.ts';

describe('fitsInline', () => {
  it('keeps JSON up to the limit in UTF-8 bytes, not characters', () => {
    expect(fitsInline('x'.repeat(INLINE_LIMIT_BYTES))).toBe(true);
    expect(fitsInline('x'.repeat(INLINE_LIMIT_BYTES + 1))).toBe(false);
    // 'é' is one UTF-16 unit and two UTF-8 bytes.
    expect(fitsInline('é'.repeat(INLINE_LIMIT_BYTES / 2))).toBe(true);
    expect(fitsInline('é'.repeat(INLINE_LIMIT_BYTES / 2 + 1))).toBe(false);
  });
});
