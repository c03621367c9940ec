import { describe, expect, it } from 'vitest';
import { exportColumns } from '../src/export/columns.ts';
import type { DatasetRecord } from '../src/core/dataset-record.ts';
import { createCsvWriter, csvCell } from '../src/export/csv-writer.ts';
import { concat, FIELD_KEYS, generatedRecord, TRICKY_RECORDS, writeAll } from './support/export-records.ts';
import { expectedCsvCell, parseCsv } from './support/export-readers.ts';

const HEADER = [
  'id', 'text', 'sentiment', 'score', 'confidence', 'createdAt', 'source_file', 'source_line',
  'fields.region', 'fields.rating', 'fields.verified', 'fields.note', 'fields.constructor', 'fields.id',
];
const { columns } = exportColumns(FIELD_KEYS);

// Keeps the BOM (TextDecoder drops it by default) so tests can see it.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function csvText(records: readonly DatasetRecord[], pageSize?: number): string {
  return decoder.decode(concat(writeAll(createCsvWriter({ fieldKeys: FIELD_KEYS }), records, pageSize)));
}

describe('csv writer', () => {
  it('writes a BOM, the header row and CRLF line ends', () => {
    const text = csvText(TRICKY_RECORDS.slice(0, 1));
    expect(text.startsWith('\uFEFFid,text,sentiment,score,confidence,createdAt,source_file,source_line,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)[0]).toEqual(HEADER);
  });

  it('reads back record by record: unicode, quotes, newlines, commas, empty and null', () => {
    const rows = parseCsv(csvText(TRICKY_RECORDS, 4));
    expect(rows).toHaveLength(TRICKY_RECORDS.length + 1);
    TRICKY_RECORDS.forEach((record, i) => {
      expect(rows[i + 1]).toEqual(columns.map((c) => expectedCsvCell(c.value(record))));
    });
  });

  it('keeps text byte-for-byte where no neutralising applies', () => {
    const rows = parseCsv(csvText(TRICKY_RECORDS));
    const text = (id: string) => rows.find((r) => r[0] === id)?.[1];
    expect(text('rec-2')).toBe('Emoji 😀👍🏽 and CJK 中文テキスト 한국어, accents éàü');
    expect(text('rec-3')).toBe('She said "hi", then ""bye""');
    expect(text('rec-4')).toBe('line one\nline two\r\nline three\rend');
    expect(text('rec-8')).toBe('');
  });

  it('neutralises formula-like text but leaves numbers as numbers', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('+1 555')).toBe("'+1 555");
    expect(csvCell('@import')).toBe("'@import");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(-3)).toBe('-3');
    // Text that is a plain number is no formula: a spreadsheet reads `-3` as minus three.
    expect(csvCell('-3')).toBe('-3');
    expect(csvCell('-0.25')).toBe('-0.25');
    expect(csvCell('-3+1')).toBe("'-3+1");
    expect(csvCell('-1e3')).toBe("'-1e3");
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes null and non-finite numbers as empty, empty text as "", booleans as words', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(Number.NEGATIVE_INFINITY)).toBe('');
    expect(csvCell('')).toBe('""');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(false)).toBe('false');
  });

  it('heads field columns fields.<key>, so a key never starts a formula', () => {
    const text = decoder.decode(concat(createCsvWriter({ fieldKeys: ['=cmd|calc', 'ok'] }).end()));
    expect(parseCsv(text)[0]?.slice(-2)).toEqual(['fields.=cmd|calc', 'fields.ok']);
  });

  it('empty export is the BOM and header only', () => {
    const writer = createCsvWriter({ fieldKeys: FIELD_KEYS });
    const text = decoder.decode(concat([...writer.write([]), ...writer.end()]));
    expect(text).toBe(`\uFEFF${HEADER.join(',')}\r\n`);
    expect(writer.stats.records).toBe(0);
  });

  it('ignores metadata: the file is the same table with or without it', () => {
    const metadata = { datasetId: 'ds-1', filters: {}, generatedAt: '2024-06-01T00:00:00.000Z' };
    const withMeta = writeAll(createCsvWriter({ fieldKeys: FIELD_KEYS, metadata }), TRICKY_RECORDS);
    expect(concat(withMeta)).toEqual(concat(writeAll(createCsvWriter({ fieldKeys: FIELD_KEYS }), TRICKY_RECORDS)));
  });

  it('refuses writes after end', () => {
    const writer = createCsvWriter({ fieldKeys: [] });
    writer.end();
    expect(() => writer.write([])).toThrow(/already ended/);
    expect(() => writer.end()).toThrow(/already ended/);
  });

  it('streams 50,000 records in pages and the output parses back whole', () => {
    const writer = createCsvWriter({ fieldKeys: FIELD_KEYS });
    const chunks: Uint8Array[] = [];
    const pageSize = 1000;
    for (let start = 0; start < 50_000; start += pageSize) {
      const page = Array.from({ length: pageSize }, (_, j) => generatedRecord(start + j));
      const out = writer.write(page);
      // One chunk per page: output leaves as it is made rather than piling up in the writer.
      expect(out).toHaveLength(1);
      chunks.push(...out);
    }
    chunks.push(...writer.end());
    const rows = parseCsv(decoder.decode(concat(chunks)));
    expect(rows).toHaveLength(50_001);
    expect(writer.stats.records).toBe(50_000);
    for (const i of [0, 1, 7, 12_345, 49_999]) {
      expect(rows[i + 1]).toEqual(columns.map((c) => expectedCsvCell(c.value(generatedRecord(i)))));
    }
  });
});
