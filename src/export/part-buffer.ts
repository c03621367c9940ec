/**
 * Gathers writer chunks into R2 multipart parts. R2 wants every part but the last to be the same
 * size and at least 5 MiB, so parts are cut at exactly `partSize` bytes whatever the chunk
 * boundaries; memory holds one part plus the chunk being split.
 */

export const MIN_PART_SIZE = 5 * 1024 * 1024;

export class PartBuffer {
  readonly partSize: number;
  private part: Uint8Array;
  private filled = 0;
  private finished = false;

  constructor(partSize = MIN_PART_SIZE) {
    if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE) {
      throw new RangeError(`part size must be an integer of at least ${MIN_PART_SIZE} bytes`);
    }
    this.partSize = partSize;
    this.part = new Uint8Array(partSize);
  }

  /** Adds chunks; returns the parts they completed, each exactly `partSize` bytes. */
  push(chunks: readonly Uint8Array[]): Uint8Array[] {
    if (this.finished) throw new Error('part buffer already finished');
    const parts: Uint8Array[] = [];
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(chunk.length - offset, this.partSize - this.filled);
        this.part.set(chunk.subarray(offset, offset + take), this.filled);
        this.filled += take;
        offset += take;
        if (this.filled === this.partSize) {
          parts.push(this.part);
          // A fresh buffer: the caller may still be uploading the one just returned.
          this.part = new Uint8Array(this.partSize);
          this.filled = 0;
        }
      }
    }
    return parts;
  }

  /**
   * The last part, once all chunks are pushed: at most `partSize` bytes, and empty when the
   * output ended on a part boundary (then there is nothing more to upload).
   */
  finish(): Uint8Array {
    this.finished = true;
    // A copy, so a small export does not keep the whole part-sized buffer alive.
    const last = this.part.slice(0, this.filled);
    this.part = new Uint8Array(0);
    return last;
  }
}
