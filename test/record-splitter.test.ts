import { describe, expect, it } from 'vitest';
import { detectFormat, RecordSplitter, type FileFormat, type RawRecord } from '../src/files/record-splitter.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

/** Feeds `input` in pieces of `size` bytes (0: all at once). */
function split(format: FileFormat, input: string | Uint8Array, size = 0, max?: number): RawRecord[] {
  const data = typeof input === 'string' ? bytes(input) : input;
  const splitter = new RecordSplitter(format, 0, 1, max);
  const out: RawRecord[] = [];
  const step = size || data.length || 1;
  for (let i = 0; i < data.length; i += step) out.push(...splitter.push(data.subarray(i, i + step)));
  out.push(...splitter.finish());
  return out;
}

const CSV = '\uFEFFid,text,date\r\n1,"Hello, ""world""",2025-01-01\r\n2,"multi\nline\r\ntext",2025-01-02\n\n3,plain é ü 😀,\n4,"tail"x,5';

describe('RecordSplitter: CSV (RFC 4180)', () => {
  it('quotes, escaped quotes, embedded newlines, CRLF, BOM, blank lines, no final newline', () => {
    const records = split('csv', CSV);
    expect(records.map((r) => [r.line, r.fields, r.error])).toEqual([
      [1, ['id', 'text', 'date'], null],
      [2, ['1', 'Hello, "world"', '2025-01-01'], null],
      [3, ['2', 'multi\nline\r\ntext', '2025-01-02'], null],
      [7, ['3', 'plain é ü 😀', ''], null],
      [8, ['4', 'tailx', '5'], null],
    ]);
    expect(records.at(-1)?.end).toBe(bytes(CSV).length);
    expect(records[0]?.end).toBe(bytes('\uFEFFid,text,date\r\n').length);
  });

  it.each([1, 2, 3, 5, 7, 16, 64])('gives the same records whatever the chunk size (%i bytes)', (size) => {
    expect(split('csv', CSV, size)).toEqual(split('csv', CSV));
  });

  it('resumes exactly from any record end', () => {
    const all = split('csv', CSV);
    const data = bytes(CSV);
    for (const [i, record] of all.entries()) {
      const splitter = new RecordSplitter('csv', record.end, record.nextLine);
      const rest = [...splitter.push(data.subarray(record.end)), ...splitter.finish()];
      expect(rest.map((r) => r.fields)).toEqual(all.slice(i + 1).map((r) => r.fields));
      expect(rest).toEqual(all.slice(i + 1));
    }
  });

  it('an unterminated quote fails the last record, not the file', () => {
    const records = split('csv', 'a,b\n1,"open\n2,x\n');
    expect(records[1]).toMatchObject({ line: 2, error: 'Unterminated quoted field' });
  });

  it('skips a record over the size limit, counting its lines, and goes on', () => {
    const input = `a,b\n1,"${'x'.repeat(50)}\n${'y'.repeat(50)}"\n2,ok\n`;
    for (const size of [0, 8]) {
      const records = split('csv', input, size, 40);
      expect(records.map((r) => [r.line, r.error === null ? r.fields : 'too long'])).toEqual([
        [1, ['a', 'b']],
        [2, 'too long'],
        [4, ['2', 'ok']],
      ]);
    }
  });

  it('TSV uses tabs and the same quoting', () => {
    expect(split('tsv', 'a\tb\n"x\ty"\tz\n').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x\ty', 'z'],
    ]);
  });
});

describe('RecordSplitter: lines', () => {
  it('NDJSON and text: one record per non-empty line, quotes are plain characters', () => {
    expect(split('ndjson', '{"a":"x,\\"y"}\r\n\n{"a":2}').map((r) => [r.line, r.fields])).toEqual([
      [1, ['{"a":"x,\\"y"}']],
      [3, ['{"a":2}']],
    ]);
    expect(split('text', 'say "hi\nbye"\n', 3).map((r) => r.fields)).toEqual([['say "hi'], ['bye"']]);
  });
});

describe('detectFormat', () => {
  it.each([
    ['a.csv', 'x\ty', 'csv'],
    ['a.TSV', 'x,y', 'tsv'],
    ['a.jsonl', 'x', 'ndjson'],
    ['a.txt', 'a,b', 'text'],
    ['data', '{"text":"hi"}\n', 'ndjson'],
    ['data', 'a\tb,c\n', 'tsv'],
    ['data', 'text,score\n', 'csv'],
    ['dir.v2/data', 'just words\n', 'text'],
    ['data', '{not json\n', 'text'],
    ['a.json', '[\n  {"text":"hi"}', 'json'],
    ['a.JSON', '\uFEFF [1, 2]', 'json'],
    ['a.json', '{"text":"hi"}\n{"text":"yo"}\n', 'ndjson'],
    ['data', '[{"text":"hi"}]', 'json'],
    ['data', '[]', 'json'],
  ])('%s with %j → %s', (path, sample, format) => {
    expect(detectFormat(path, bytes(sample))).toBe(format);
  });
});
