import { describe, expect, it } from 'vitest';
import { JsonArraySplitter } from '../src/files/json-array-splitter.ts';
import type { RawRecord } from '../src/files/record-splitter.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

/** Feeds `input` in pieces of `size` bytes (0: all at once), from `offset`/`line`. */
function split(input: string | Uint8Array, size = 0, max?: number, offset = 0, line = 1): RawRecord[] {
  const data = typeof input === 'string' ? bytes(input) : input;
  const splitter = new JsonArraySplitter(offset, line, max);
  const out: RawRecord[] = [];
  const rest = data.subarray(offset);
  const step = size || rest.length || 1;
  for (let i = 0; i < rest.length; i += step) out.push(...splitter.push(rest.subarray(i, i + step)));
  out.push(...splitter.finish());
  return out;
}

// Nesting, brackets and quotes inside strings, escapes, unicode, scalars, a BOM, CRLF.
const ARRAY =
  '\uFEFF[\r\n' +
  '  {"text": "Hello, [world] {x}", "n": 1},\r\n' +
  '  {"text": "quote \\" and \\\\ slash ]", "tags": ["a", {"b": [1, 2]}]},\n' +
  '  {"text": "é ü 😀"}, 42, "plain", null,\n' +
  '  {\n    "text": "spans\\nlines",\n    "deep": {"a": {"b": {}}}\n  }\n' +
  ']\n';

describe('JsonArraySplitter', () => {
  it('one record per element, with its line and the byte offset after it', () => {
    const records = split(ARRAY);
    expect(records.map((r) => [r.line, r.error ?? JSON.parse(r.fields[0] ?? '')])).toEqual([
      [2, { text: 'Hello, [world] {x}', n: 1 }],
      [3, { text: 'quote " and \\ slash ]', tags: ['a', { b: [1, 2] }] }],
      [4, { text: 'é ü 😀' }],
      [4, 42],
      [4, 'plain'],
      [4, null],
      [5, { text: 'spans\nlines', deep: { a: { b: {} } } }],
    ]);
    // Just past the first element's closing brace (the BOM is three bytes, one character).
    expect(records[0]?.end).toBe(bytes(ARRAY.slice(0, ARRAY.indexOf('1},') + 2)).length);
    expect(records.at(-1)?.nextLine).toBe(8);
  });

  it.each([1, 2, 3, 5, 7, 16, 64])('gives the same records whatever the chunk size (%i bytes)', (size) => {
    expect(split(ARRAY, size)).toEqual(split(ARRAY));
  });

  it('resumes exactly from any record end', () => {
    const all = split(ARRAY);
    for (const [i, record] of all.entries()) {
      expect(split(ARRAY, 0, undefined, record.end, record.nextLine)).toEqual(all.slice(i + 1));
      expect(split(ARRAY, 3, undefined, record.end, record.nextLine)).toEqual(all.slice(i + 1));
    }
  });

  it('holds only the element being read', () => {
    const splitter = new JsonArraySplitter(0, 1);
    const element = `{"text": "${'x'.repeat(1000)}"}`;
    let most = 0;
    for (let i = 0; i < 200; i++) {
      splitter.push(bytes(i === 0 ? `[${element}` : `,${element}`));
      most = Math.max(most, splitter.carried);
    }
    expect(most).toBe(0);
    splitter.push(bytes(',{"text": "open'));
    expect(splitter.carried).toBe(bytes('{"text": "open').length);
  });

  it('skips an element over the size limit and goes on', () => {
    const input = `[{"text": "${'x'.repeat(100)}"},\n{"text": "ok"}]`;
    for (const size of [0, 8]) {
      const records = split(input, size, 40);
      expect(records.map((r) => [r.line, r.error ?? r.fields[0]])).toEqual([
        [1, 'Record is longer than 40 bytes'],
        [2, '{"text": "ok"}'],
      ]);
    }
  });

  it('an empty array has no records; broken structure is one failed record at the end', () => {
    expect(split('[]')).toEqual([]);
    expect(split('  [ \n ]\n')).toEqual([]);
    expect(split('[{"a":1}').map((r) => r.error)).toEqual([null, 'The JSON array is not closed']);
    expect(split('[{"a":1}, {"b":').map((r) => r.error)).toEqual([null, 'The JSON array ends inside an element']);
    expect(split('[{"a":1} {"b":2}]').map((r) => r.error)).toEqual([null, 'Expected , or ] after an array element']);
    expect(split('[{"a":1}]\n[{"b":2}]').map((r) => [r.line, r.error])).toEqual([
      [1, null],
      [2, 'Text after the end of the JSON array'],
    ]);
    expect(split('{"a":1}').map((r) => r.error)).toEqual(['The file is not a JSON array']);
  });

  it('ends a failed record at the end of input, so a resume never reads the rest again', () => {
    const input = '[{"a":1}] trailing';
    const records = split(input);
    expect(records.at(-1)?.end).toBe(bytes(input).length);
  });
});
