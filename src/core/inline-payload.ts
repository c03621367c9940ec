/**
 * Job inputs and per-item results up to this many UTF-8 bytes live in the coordinator's SQLite
 * beside the job (no R2 write, no R2 read); larger ones go to R2. Well under the 2 MB row limit,
 * and the size of one queue message, so a row of kept jobs stays small.
 */
export const INLINE_LIMIT_BYTES = 128 * 1024;

const encoder = new TextEncoder();

/** True when this JSON text may be kept inline. */
export function fitsInline(json: string): boolean {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: most texts are decided without encoding them.
  if (json.length * 3 <= INLINE_LIMIT_BYTES) return true;
  if (json.length > INLINE_LIMIT_BYTES) return false;
  return encoder.encode(json).byteLength <= INLINE_LIMIT_BYTES;
}
