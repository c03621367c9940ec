/**
 * The incremental writer interface the `data_export` handler drives: pages of records in, byte
 * chunks out (to be gathered into multipart parts by PartBuffer). Writers are pure and
 * deterministic: the same records and options give the same bytes, so a resumed job can
 * regenerate output and skip what was already uploaded.
 */
import type { SentimentLabel } from '../analysis/sentiment.ts';
import type { DatasetRecord } from '../core/dataset-record.ts';

export const EXPORT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Bumped when the layout of any export format changes incompatibly. */
export const EXPORT_FORMAT_VERSION = 1;

/** The job's filters, recorded as given (the seed's DataExportData.filters). */
export interface ExportFilters {
  sentiment?: SentimentLabel;
  dateRange?: { start: string; end: string };
  limit?: number;
}

/** What the caller knows up front; the writer adds the record count when it finishes. */
export interface ExportMetadataInput {
  datasetId: string;
  filters: ExportFilters;
  /** ISO 8601; passed in rather than read from the clock so output stays deterministic. */
  generatedAt: string;
}

export interface ExportMetadata extends ExportMetadataInput {
  recordCount: number;
  formatVersion: number;
}

export interface ExportWriterOptions {
  /** The dataset's `fields` keys (DatasetSummary.columns); they become columns after the fixed ones. */
  fieldKeys: readonly string[];
  /** Present for includeMetadata. CSV has no place for it: see createCsvWriter. */
  metadata?: ExportMetadataInput;
  /**
   * Records an earlier writer with the same options already wrote: the new writer's output
   * continues that output byte for byte (a resumed job). CSV and JSON only: their state is
   * this count; XLSX's compressor state cannot be rebuilt, so it refuses anything but 0.
   */
  continueAfter?: number;
}

export interface ExportStats {
  records: number;
  /** XLSX cells cut to the 32,767-character cell limit (always 0 for CSV and JSON). */
  truncatedCells: number;
}

export interface ExportWriter {
  readonly contentType: string;
  readonly extension: string;
  /** Encodes a page of records; returns the bytes ready so far (possibly none), in order. */
  write(records: readonly DatasetRecord[]): Uint8Array[];
  /** Closes the document; returns its remaining bytes. No write() after it. */
  end(): Uint8Array[];
  readonly stats: ExportStats;
}

export function exportMetadata(input: ExportMetadataInput, recordCount: number): ExportMetadata {
  return { ...input, recordCount, formatVersion: EXPORT_FORMAT_VERSION };
}

/** Guards the write()/end() order every writer shares. */
export function assertOpen(ended: boolean): void {
  if (ended) throw new Error('export writer already ended');
}
