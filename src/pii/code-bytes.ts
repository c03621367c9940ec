// A text as one byte per UTF-16 unit, for loops that test characters by code: a typed array is
// read several times faster than `charCodeAt`. Pure: TextEncoder only; linear in the text.

const encoder = new TextEncoder();

/**
 * Reuses one buffer, grown (at least doubled) when a text needs more: the bytes of a call stay
 * valid until the next call on the same instance (give each user its own).
 */
export class CodeBytes {
  private buffer = new ArrayBuffer(0);
  private all = new Uint8Array(this.buffer);

  /**
   * `text`'s characters as bytes: a character below 256 is its code, any other 255. Encoded
   * natively (for ASCII text the UTF-8 bytes are exactly these), then each multi-byte UTF-8
   * sequence is folded to one byte (a surrogate pair's four bytes to two). Starts at byte 0 of
   * its buffer, so a Uint16Array over it reads two characters at a time.
   */
  of(text: string): Uint8Array {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    const need = text.length * 3 + 2;
    if (this.buffer.byteLength < need) {
      this.buffer = new ArrayBuffer(Math.max(need, 2 * this.buffer.byteLength));
      this.all = new Uint8Array(this.buffer);
    }
    const bytes = this.all;
    const { written } = encoder.encodeInto(text, bytes);
    if (written !== text.length) {
      // In place: a sequence's bytes are read before its units are written over them.
      let j = 0;
      for (let i = 0; i < written; ) {
        const b = bytes[i] ?? 0;
        if (b < 0x80) {
          bytes[j++] = b;
          i++;
        } else if (b < 0xe0) {
          const code = ((b & 0x1f) << 6) | ((bytes[i + 1] ?? 0) & 0x3f);
          bytes[j++] = code < 256 ? code : 255;
          i += 2;
        } else if (b < 0xf0) {
          bytes[j++] = 255;
          i += 3;
        } else {
          bytes[j++] = 255;
          bytes[j++] = 255;
          i += 4;
        }
      }
    }
    return bytes.subarray(0, text.length);
  }
}
