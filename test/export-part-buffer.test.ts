import { describe, expect, it } from 'vitest';
import { createExportWriter } from '../src/export/writer.ts';
import { MIN_PART_SIZE, PartBuffer } from '../src/export/part-buffer.ts';
import { concat, FIELD_KEYS, generatedRecord, sameBytes } from './support/export-records.ts';

/** Bytes 0, 1, … 255, 0, … so a misplaced byte shows. */
function counting(from: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (from + i) % 256;
  return bytes;
}

describe('PartBuffer', () => {
  it('cuts parts of exactly partSize across chunk boundaries, the rest in the last part', () => {
    const buffer = new PartBuffer();
    const sizes = [1, MIN_PART_SIZE - 2, 3, 2 * MIN_PART_SIZE, 10, 0, 7];
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (const size of sizes) {
      parts.push(...buffer.push([counting(offset, size)]));
      offset += size;
    }
    const last = buffer.finish();
    expect(parts.map((p) => p.length)).toEqual([MIN_PART_SIZE, MIN_PART_SIZE, MIN_PART_SIZE]);
    expect(last.length).toBe(offset - 3 * MIN_PART_SIZE);
    expect(sameBytes(concat([...parts, last]), counting(0, offset))).toBe(true);
  });

  it('returns an empty last part when the output ends on a part boundary', () => {
    const buffer = new PartBuffer();
    expect(buffer.push([counting(0, MIN_PART_SIZE)])).toHaveLength(1);
    expect(buffer.finish()).toHaveLength(0);
  });

  it('hands out parts that later pushes do not overwrite', () => {
    const buffer = new PartBuffer();
    const [first] = buffer.push([new Uint8Array(MIN_PART_SIZE).fill(1)]);
    buffer.push([new Uint8Array(MIN_PART_SIZE).fill(2)]);
    expect(first?.every((b) => b === 1)).toBe(true);
  });

  it('takes larger part sizes but not ones R2 refuses', () => {
    expect(new PartBuffer(8 * 1024 * 1024).partSize).toBe(8 * 1024 * 1024);
    expect(() => new PartBuffer(MIN_PART_SIZE - 1)).toThrow(RangeError);
    expect(() => new PartBuffer(MIN_PART_SIZE + 0.5)).toThrow(RangeError);
  });

  it('refuses pushes after finish', () => {
    const buffer = new PartBuffer();
    buffer.finish();
    expect(() => buffer.push([new Uint8Array(1)])).toThrow(/finished/);
  });

  it('carries a whole export: parts joined are the writer output', () => {
    const writer = createExportWriter('json', { fieldKeys: FIELD_KEYS });
    const buffer = new PartBuffer();
    const written: Uint8Array[] = [];
    const parts: Uint8Array[] = [];
    for (let start = 0; start < 30_000; start += 1000) {
      const chunks = writer.write(Array.from({ length: 1000 }, (_, j) => generatedRecord(start + j)));
      written.push(...chunks);
      parts.push(...buffer.push(chunks));
    }
    const tail = writer.end();
    written.push(...tail);
    parts.push(...buffer.push(tail), buffer.finish());
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.slice(0, -1).every((p) => p.length === MIN_PART_SIZE)).toBe(true);
    expect(sameBytes(concat(parts), concat(written))).toBe(true);
  });
});
