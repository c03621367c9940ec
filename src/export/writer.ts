/** Picks the writer for a format; what every writer takes and gives is in writer-contract.ts. */
import { createCsvWriter } from './csv-writer.ts';
import { createJsonWriter } from './json-writer.ts';
import type { ExportFormat, ExportWriter, ExportWriterOptions } from './writer-contract.ts';
import { createXlsxWriter } from './xlsx-writer.ts';

export function createExportWriter(format: ExportFormat, options: ExportWriterOptions): ExportWriter {
  switch (format) {
    case 'csv':
      return createCsvWriter(options);
    case 'json':
      return createJsonWriter(options);
    case 'xlsx':
      return createXlsxWriter(options);
  }
}
