/** Standard readers for exported files, and what each cell should read back as (Workers tests only). */
import { parse } from 'csv-parse/sync';
import { unzipSync, zipSync } from 'fflate';
import readXlsxFile from 'read-excel-file/universal';
import { expect } from 'vitest';
import type { DatasetRecord, FieldValue } from '../../src/core/dataset-record.ts';
import type { Column } from '../../src/export/columns.ts';
import { excelSerialDate } from '../../src/export/xlsx-writer.ts';

/** Parses with a standard RFC 4180 reader; an unquoted empty field reads as null, `""` as ''. */
export function parseCsv(text: string): (string | null)[][] {
  return parse(text, {
    bom: true,
    record_delimiter: '\r\n',
    cast: (value: string, context: { quoting: boolean }) => (value === '' && !context.quoting ? null : value),
  }) as (string | null)[][];
}

// Text a spreadsheet reads as a number, short enough to keep every digit (the test data's cases).
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d{0,14})(?:\.\d{1,5})?$/;

/** What a CSV cell should read back as, for a value the writer was given. */
export function expectedCsvCell(value: FieldValue): string | null {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return null;
  if (typeof value !== 'string') return String(value);
  return /^[=+\-@\t\r]/.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

export async function readXlsx(bytes: Uint8Array<ArrayBuffer>) {
  // trim: false, or the parser would cut the whitespace the writer is meant to keep.
  return readXlsxFile(bytes.buffer, { trim: false });
}

/**
 * read-excel-file hands entries over 512 KiB to fflate's Web Worker inflater, and workerd has no
 * Worker; so a large workbook is unzipped here and re-packed uncompressed (read synchronously)
 * before the parser reads our XML. scripts/check-xlsx-libreoffice.ts reads the original bytes.
 */
export async function readXlsxRepacked(bytes: Uint8Array<ArrayBuffer>) {
  return readXlsx(zipSync(unzipSync(bytes), { level: 0 }));
}

/** What a cell should read back as: text minus XML-illegal characters, dates as Dates, empty as null. */
export function expectedXlsxCell(column: Column, record: DatasetRecord): unknown {
  const value = column.value(record);
  if (value === null || value === '' || (typeof value === 'number' && !Number.isFinite(value))) return null;
  if (typeof value !== 'string') return value;
  if (column.date && excelSerialDate(value) !== null) return new Date(value);
  if (PLAIN_NUMBER.test(value)) return Number(value);
  return value.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g, '');
}

/**
 * Compares a read-back row with the expected one. Dates may be 1 ms off: a serial day number
 * cannot hold every millisecond exactly, and the reader truncates when it converts back.
 */
export function expectXlsxRow(received: unknown, expected: readonly unknown[]): void {
  expect(Array.isArray(received)).toBe(true);
  const row = received as unknown[];
  expect(row).toHaveLength(expected.length);
  expected.forEach((cell, i) => {
    if (cell instanceof Date) {
      expect(row[i]).toBeInstanceOf(Date);
      expect(Math.abs((row[i] as Date).getTime() - cell.getTime())).toBeLessThanOrEqual(1);
    } else {
      expect(row[i]).toEqual(cell);
    }
  });
}

