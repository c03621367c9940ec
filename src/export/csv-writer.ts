/**
 * RFC 4180 CSV: CRLF line ends, fields quoted when they hold a quote, comma, CR or LF, quotes
 * doubled. UTF-8 with a BOM so spreadsheet programs pick the right encoding.
 */
import { exportColumns, isExportableNumber, numericText } from './columns.ts';
import type { DatasetRecord, FieldValue } from '../core/dataset-record.ts';
import { assertOpen } from './writer-contract.ts';
import type { ExportWriter, ExportWriterOptions } from './writer-contract.ts';

const BOM = '\uFEFF';
const NEEDS_QUOTES = /[",\r\n]/;
// OWASP CSV injection: text a spreadsheet would read as a formula (or as the start of one).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text is neutralised and quoted; numbers are written as numbers, so -0.5 stays a number, and so
 * does text that is a plain number (`-3` from a CSV source): a spreadsheet reads it as a number,
 * not a formula.
 */
export function csvCell(value: FieldValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return isExportableNumber(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // An empty string is written as "" so a reader can tell it from null.
  if (value === '') return '""';
  const text = FORMULA_START.test(value) && numericText(value) === null ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV has no place for export metadata that readers would not take for data, so
 * `options.metadata` is not written: the handler reports it with the job result instead.
 */
export function createCsvWriter(options: ExportWriterOptions): ExportWriter {
  const { columns } = exportColumns(options.fieldKeys);
  const encoder = new TextEncoder();
  const stats = { records: options.continueAfter ?? 0, truncatedCells: 0 };
  // Only a writer at the start of the document still owes the BOM and header.
  let head: string | null = stats.records > 0 ? null : BOM + columns.map((c) => csvCell(c.header)).join(',') + '\r\n';
  let ended = false;

  // The header goes out with the first output, so an empty export is BOM + header alone.
  const emit = (body: string): Uint8Array[] => {
    const text = (head ?? '') + body;
    head = null;
    return text === '' ? [] : [encoder.encode(text)];
  };

  return {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    stats,
    write(records: readonly DatasetRecord[]): Uint8Array[] {
      assertOpen(ended);
      let body = '';
      for (const record of records) {
        body += columns.map((c) => csvCell(c.value(record))).join(',') + '\r\n';
      }
      stats.records += records.length;
      return emit(body);
    },
    end(): Uint8Array[] {
      assertOpen(ended);
      ended = true;
      return emit('');
    },
  };
}
