// How many characters of the hidden middle are shown as '*': long keys would otherwise make
// previews as long as the key without saying anything more.
const MAX_STARS = 24;

/**
 * A preview of a detected value that keeps just enough to recognise it:
 * `4111111111111111` → `4111********1111`, `AKIAIOSFODNN7EXAMPLE` → `AKIA************MPLE`.
 * Values under 16 characters keep less (2, 1, then nothing) so short passwords stay hidden.
 */
export function maskPreview(value: string): string {
  const chars = Array.from(value, (ch) => (ch < ' ' || ch === '\u007f' ? '?' : ch));
  const n = chars.length;
  const keep = n >= 16 ? 4 : n >= 12 ? 2 : n >= 8 ? 1 : 0;
  const stars = Math.min(n - 2 * keep, MAX_STARS);
  return chars.slice(0, keep).join('') + '*'.repeat(stars) + chars.slice(n - keep).join('');
}
