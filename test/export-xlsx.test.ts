import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportColumns } from '../src/export/columns.ts';
import type { DatasetRecord } from '../src/core/dataset-record.ts';
import { EXPORT_FORMAT_VERSION, type ExportWriterOptions } from '../src/export/writer-contract.ts';
import {
  columnName,
  createXlsxWriter,
  excelSerialDate,
  TRUNCATION_MARK,
  XLSX_MAX_CELL_CHARS,
  XLSX_MAX_ROWS,
} from '../src/export/xlsx-writer.ts';
import { concat, FIELD_KEYS, generatedRecord, TRICKY_RECORDS, writeAll } from './support/export-records.ts';
import { expectedXlsxCell, expectXlsxRow, readXlsx, readXlsxRepacked } from './support/export-readers.ts';

const METADATA = { datasetId: 'ds-7', filters: { sentiment: 'positive' as const }, generatedAt: '2024-06-01T12:30:00.000Z' };
const { columns } = exportColumns(FIELD_KEYS);

function workbook(records: readonly DatasetRecord[], options: Partial<ExportWriterOptions> = {}, pageSize?: number): Uint8Array<ArrayBuffer> {
  return concat(writeAll(createXlsxWriter({ fieldKeys: FIELD_KEYS, ...options }), records, pageSize));
}

describe('xlsx writer', () => {
  it('reads back with a standard parser, record by record', async () => {
    const sheets = await readXlsx(workbook(TRICKY_RECORDS, {}, 4));
    expect(sheets.map((s) => s.sheet)).toEqual(['data']);
    const rows = sheets[0]?.data ?? [];
    expect(rows[0]).toEqual(columns.map((c) => c.header));
    expect(rows).toHaveLength(TRICKY_RECORDS.length + 1);
    TRICKY_RECORDS.forEach((record, i) => {
      expectXlsxRow(rows[i + 1], columns.map((c) => expectedXlsxCell(c, record)));
    });
  });

  it('keeps unicode, quotes, CR/LF and formula-like text as plain strings', async () => {
    const rows = (await readXlsx(workbook(TRICKY_RECORDS)))[0]?.data ?? [];
    const text = (id: string) => rows.find((r) => r[0] === id)?.[1];
    expect(text('rec-2')).toBe('Emoji 😀👍🏽 and CJK 中文テキスト 한국어, accents éàü');
    expect(text('rec-4')).toBe('line one\nline two\r\nline three\rend');
    expect(text('rec-6')).toBe('=SUM(A1:A9)');
    expect(text('rec-12')).toBe('xml <tag attr="v"> & ampersand ]]>');
  });

  it('never writes a formula, and types numbers, booleans and dates', () => {
    const files = unzipSync(workbook(TRICKY_RECORDS));
    const sheet = strFromU8(files['xl/worksheets/sheet1.xml'] ?? new Uint8Array());
    expect(sheet).not.toContain('<f>');
    expect(sheet).not.toContain('t="str"');
    expect(sheet).toContain('<c r="D11"><v>-0.875</v></c>'); // score of rec-10, a number cell
    expect(sheet).toContain('<c r="K2" t="b"><v>1</v></c>'); // verified: true
    expect(sheet).toMatch(/<c r="F2" s="1"><v>4535\d\.\d+<\/v><\/c>/); // createdAt, date style
    expect(sheet).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
    expect(strFromU8(files['xl/styles.xml'] ?? new Uint8Array())).toContain('<numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>');
  });

  it('adds a metadata sheet with includeMetadata', async () => {
    const sheets = await readXlsx(workbook(TRICKY_RECORDS, { metadata: METADATA }));
    expect(sheets.map((s) => s.sheet)).toEqual(['data', 'metadata']);
    const rows = sheets[1]?.data ?? [];
    expect(rows).toHaveLength(7);
    [
      ['key', 'value'],
      ['datasetId', 'ds-7'],
      ['filters', '{"sentiment":"positive"}'],
      ['recordCount', TRICKY_RECORDS.length],
      ['generatedAt', new Date(METADATA.generatedAt)],
      ['formatVersion', EXPORT_FORMAT_VERSION],
      ['truncatedCells', 0],
    ].forEach((expected, i) => expectXlsxRow(rows[i], expected));
  });

  it('empty export is a valid workbook with the header row only', async () => {
    const sheets = await readXlsx(workbook([], { metadata: METADATA }));
    expect(sheets[0]?.data).toEqual([columns.map((c) => c.header)]);
    expect(sheets[1]?.data).toContainEqual(['recordCount', 0]);
  });

  it('cuts text past the cell limit, marks the cut and counts it', async () => {
    const long = 'x'.repeat(XLSX_MAX_CELL_CHARS - 2) + '😀😀😀';
    const writer = createXlsxWriter({ fieldKeys: [], metadata: METADATA });
    const bytes = concat(writeAll(writer, [{ ...generatedRecord(0), text: long }, generatedRecord(1)]));
    expect(writer.stats.truncatedCells).toBe(1);
    const sheets = await readXlsx(bytes);
    const cell = sheets[0]?.data[1]?.[1];
    expect(typeof cell).toBe('string');
    expect((cell as string).length).toBeLessThanOrEqual(XLSX_MAX_CELL_CHARS);
    expect((cell as string).endsWith(TRUNCATION_MARK)).toBe(true);
    expect(long.startsWith((cell as string).slice(0, -TRUNCATION_MARK.length))).toBe(true);
    expect(sheets[1]?.data).toContainEqual(['truncatedCells', 1]);
  });

  it('does not split a surrogate pair when cutting', () => {
    const cut = XLSX_MAX_CELL_CHARS - TRUNCATION_MARK.length;
    // A pair straddling the cut: its high half is the last unit that would be kept.
    const text = 'a'.repeat(cut - 1) + '😀'.repeat(10);
    const xml = strFromU8(
      unzipSync(concat(writeAll(createXlsxWriter({ fieldKeys: [] }), [{ ...generatedRecord(0), text }])))['xl/worksheets/sheet1.xml'] ??
        new Uint8Array(),
    );
    expect(xml).toContain(`${'a'.repeat(cut - 1)}${TRUNCATION_MARK}`);
  });

  it('is deterministic: same input, same bytes', () => {
    expect(workbook(TRICKY_RECORDS, { metadata: METADATA })).toEqual(workbook(TRICKY_RECORDS, { metadata: METADATA }, 5));
  });

  it('rejects more records than a sheet has rows, before writing any of them', () => {
    const writer = createXlsxWriter({ fieldKeys: [] });
    writer.write([generatedRecord(0), generatedRecord(1)]);
    // Sparse: the limit is checked on the page length before any record is read.
    expect(() => writer.write(new Array<DatasetRecord>(XLSX_MAX_ROWS - 2))).toThrow(RangeError);
    expect(writer.stats.records).toBe(2);
  });

  it('names columns as Excel does', () => {
    expect([0, 25, 26, 51, 52, 701, 702, 16_383].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
  });

  it('converts ISO timestamps to serial dates, leaving non-dates alone', () => {
    expect(excelSerialDate('1970-01-01T00:00:00Z')).toBe(25_569);
    expect(excelSerialDate('2024-03-01T12:00:00.000Z')).toBe(45_352.5);
    expect(excelSerialDate('2024-03-01T14:00:00+02:00')).toBe(45_352.5);
    expect(excelSerialDate('2024-03-01')).toBe(45_352);
    expect(excelSerialDate('2024-03-01T12:00:00')).toBe(45_352.5); // no zone: UTC, not the host's
    expect(excelSerialDate('2024-03-01 12:00:00')).toBeNull(); // Date.parse reads it in local time
    expect(excelSerialDate('March 1, 2024')).toBeNull();
    expect(excelSerialDate('2024-13-45T00:00:00Z')).toBeNull();
    expect(excelSerialDate('1899-12-31T00:00:00Z')).toBeNull();
  });

  it('streams 50,000 records in pages and the workbook reads back whole', async () => {
    const writer = createXlsxWriter({ fieldKeys: FIELD_KEYS, metadata: METADATA });
    const chunks: Uint8Array[] = [];
    let emptyPages = 0;
    const pageSize = 1000;
    for (let start = 0; start < 50_000; start += pageSize) {
      const out = writer.write(Array.from({ length: pageSize }, (_, j) => generatedRecord(start + j)));
      if (out.length === 0) emptyPages++;
      chunks.push(...out);
    }
    // Compressed output leaves page by page rather than at the end.
    expect(emptyPages).toBeLessThan(50 / 2);
    chunks.push(...writer.end());
    const sheets = await readXlsxRepacked(concat(chunks));
    const rows = sheets[0]?.data ?? [];
    expect(rows).toHaveLength(50_001);
    for (const i of [0, 7, 31_337, 49_999]) {
      expectXlsxRow(rows[i + 1], columns.map((c) => expectedXlsxCell(c, generatedRecord(i))));
    }
    expect(sheets[1]?.data).toContainEqual(['recordCount', 50_000]);
  }, 120_000);
});
