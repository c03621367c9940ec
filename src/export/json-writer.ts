/**
 * One JSON document, streamed a record at a time: `[rec, rec, …]`, or with metadata
 * `{"records": […], "metadata": {…}}`. Metadata comes last because the record count is only
 * known at the end; JSON objects are unordered, so `doc.metadata` reads the same.
 */
import { exportColumns, fieldValue } from './columns.ts';
import type { DatasetRecord, FieldValue } from '../core/dataset-record.ts';
import { assertOpen, exportMetadata } from './writer-contract.ts';
import type { ExportWriter, ExportWriterOptions } from './writer-contract.ts';

export function createJsonWriter(options: ExportWriterOptions): ExportWriter {
  const { fieldKeys } = exportColumns(options.fieldKeys);
  const { metadata } = options;
  const encoder = new TextEncoder();
  const stats = { records: options.continueAfter ?? 0, truncatedCells: 0 };
  // Written with the first record (or at the end), so an empty export is `[]`.
  const open = metadata ? '{"records":[' : '[';
  let ended = false;

  // Same columns as CSV/XLSX, nesting kept: `fields` holds exactly the dataset's keys, in order.
  const project = (r: DatasetRecord) => {
    // fromEntries defines own properties, so a `__proto__` key stays data (assignment would not).
    const fields: Record<string, FieldValue> = Object.fromEntries(fieldKeys.map((k) => [k, fieldValue(r, k)]));
    return {
      id: r.id,
      text: r.text,
      sentiment: r.sentiment,
      score: r.score,
      confidence: r.confidence,
      createdAt: r.createdAt,
      source: { file: r.source.file, line: r.source.line },
      fields,
    };
  };

  return {
    contentType: 'application/json',
    extension: 'json',
    stats,
    write(records: readonly DatasetRecord[]): Uint8Array[] {
      assertOpen(ended);
      if (records.length === 0) return [];
      let text = '';
      for (const record of records) {
        text += (stats.records === 0 ? `${open}\n` : ',\n') + JSON.stringify(project(record));
        stats.records++;
      }
      return [encoder.encode(text)];
    },
    end(): Uint8Array[] {
      assertOpen(ended);
      ended = true;
      const close = metadata ? `],"metadata":${JSON.stringify(exportMetadata(metadata, stats.records))}}\n` : ']\n';
      return [encoder.encode((stats.records === 0 ? open : '\n') + close)];
    },
  };
}
