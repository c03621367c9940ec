import { analyzeSentiment, type SentimentLabel } from '../analysis/sentiment.ts';
import type { FieldValue, RecordInput } from '../core/dataset-record.ts';
import { maskPii } from '../pii/detectors.ts';
import type { FileFormat, RawRecord } from './record-splitter.ts';

/** Column names that hold the text, in order of preference (compared case-insensitively). */
export const TEXT_COLUMNS = ['text', 'content', 'review', 'comment', 'message', 'body'] as const;
/** Column names that hold the record's date. */
export const DATE_COLUMNS = ['date', 'created_at', 'createdat', 'timestamp'] as const;
/** NDJSON objects may vary; the dataset's column list stops growing here. */
export const MAX_COLUMNS = 200;

/** What the builder learns from the file and needs on every later slice: part of the checkpoint. */
export interface Layout {
  format: FileFormat;
  /** CSV/TSV header; null until the first record is read. */
  header: string[] | null;
  textColumn: string | null;
  dateColumn: string | null;
  /** The keys records' `fields` hold: the source columns but the text column. */
  columns: string[];
}

export type Built = { ok: true; record: RecordInput } | { ok: false; message: string } | { ok: 'skip' };

export interface BuildContext {
  filePath: string;
  /** Stable per file: ids are `{fileTag}-{key}` (see `RecordInput.sourceKey`), so a re-run slice rewrites the same rows. */
  fileTag: string;
  /** createdAt for records without a usable date: fixed when the job starts, the same on every retry. */
  ingestedMs: number;
  analyze: boolean;
}

/** NDJSON lines and JSON array elements: objects, each with its own keys. */
const holdsObjects = (format: FileFormat): boolean => format === 'ndjson' || format === 'json';

function byName(names: readonly string[], candidates: readonly string[]): string | null {
  for (const wanted of candidates) {
    const found = names.find((n) => n.toLowerCase() === wanted);
    if (found !== undefined) return found;
  }
  return null;
}

/** Header names as given, with blanks named `column_N` and repeats suffixed, so each is a unique key. */
function headerOf(fields: string[]): string[] {
  const seen = new Set<string>();
  return fields.map((raw, i) => {
    let name = raw.trim() || `column_${i + 1}`;
    for (let n = 2; seen.has(name); n++) name = `${raw.trim() || `column_${i + 1}`}_${n}`;
    seen.add(name);
    return name;
  });
}

/**
 * The dataset's columns are its records' `fields` keys: the text column's value is the record's
 * `text`, so it is no column of its own (an export would show it empty).
 */
function fieldColumns(header: readonly string[], textColumn: string): string[] {
  return header.filter((name) => name !== textColumn);
}

/** Epoch seconds or milliseconds, or anything Date.parse reads; null when it is no date. */
export function parseDate(value: FieldValue | undefined): number | null {
  if (value === null || value === undefined || value === '' || typeof value === 'boolean') return null;
  const asNumber = typeof value === 'number' ? value : /^\d{9,13}$/.test(value) ? Number(value) : NaN;
  if (Number.isFinite(asNumber)) return asNumber < 1e11 ? asNumber * 1000 : asNumber;
  const parsed = Date.parse(String(value));
  return Number.isNaN(parsed) ? null : parsed;
}

function looksLikeText(value: FieldValue | undefined): boolean {
  return typeof value === 'string' && value.trim() !== '' && Number.isNaN(Number(value));
}

/** The row as named fields, or why it is malformed. Learns the header and columns on the way. */
function rowOf(layout: Layout, raw: RawRecord): Record<string, FieldValue> | string | null {
  if (layout.format === 'text') {
    const line = raw.fields[0] ?? '';
    return line.trim() === '' ? null : { text: line };
  }
  if (holdsObjects(layout.format)) {
    const line = raw.fields[0] ?? '';
    if (line.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return 'Not valid JSON';
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'Not a JSON object';
    const row: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(value)) {
      row[k] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
    }
    return row;
  }
  if (!layout.header) {
    layout.header = headerOf(raw.fields);
    layout.textColumn = byName(layout.header, TEXT_COLUMNS);
    layout.dateColumn = byName(layout.header, DATE_COLUMNS);
    if (layout.textColumn !== null) layout.columns = fieldColumns(layout.header, layout.textColumn);
    return null;
  }
  if (raw.fields.length !== layout.header.length) {
    return `Expected ${layout.header.length} fields, found ${raw.fields.length}`;
  }
  const row: Record<string, FieldValue> = {};
  layout.header.forEach((name, i) => {
    row[name] = raw.fields[i] ?? '';
  });
  return row;
}

/**
 * Turns one split record into a dataset record: text and date columns found by name, the rest as
 * fields. `start` is the byte offset where the record begins: a JSON array's elements may share a
 * line, so they are keyed (and named) by it.
 */
export function buildRecord(layout: Layout, raw: RawRecord, context: BuildContext, start: number): Built {
  if (raw.error) return { ok: false, message: raw.error };
  const row = rowOf(layout, raw);
  if (row === null) return { ok: 'skip' };
  if (typeof row === 'string') return { ok: false, message: row };
  const names = Object.keys(row);
  // CSV decides its text column once (by name, else the first column of text in the first row);
  // JSON objects may differ, so each is looked at on its own.
  const objects = holdsObjects(layout.format);
  let textColumn = objects ? byName(names, TEXT_COLUMNS) : layout.textColumn;
  textColumn ??= names.find((n) => looksLikeText(row[n])) ?? null;
  if (textColumn === null) return { ok: false, message: 'The record has no text column' };
  if (!objects && layout.textColumn === null && layout.header) {
    layout.textColumn = textColumn;
    layout.columns = fieldColumns(layout.header, textColumn);
  }
  let text = String(row[textColumn] ?? '');
  if (text.trim() === '') return { ok: false, message: 'The text is empty' };
  const dateColumn = layout.format === 'ndjson' ? byName(names, DATE_COLUMNS) : layout.dateColumn;
  const createdMs = (dateColumn === null ? null : parseDate(row[dateColumn])) ?? context.ingestedMs;

  const fields: Record<string, FieldValue> = {};
  for (const name of names) {
    if (name === textColumn) continue;
    if (objects && layout.columns.length < MAX_COLUMNS && !layout.columns.includes(name)) layout.columns.push(name);
    const value = row[name] ?? null;
    // Masking covers every string the record keeps, not only its text.
    fields[name] = context.analyze && typeof value === 'string' ? maskPii(value).text : value;
  }
  let sentiment: SentimentLabel | null = null;
  let score: number | null = null;
  let confidence: number | null = null;
  if (context.analyze) {
    text = maskPii(text).text;
    const analysis = analyzeSentiment(text);
    sentiment = analysis.sentiment;
    score = analysis.score;
    confidence = analysis.confidence;
  }
  const key = layout.format === 'json' ? start : raw.line;
  return {
    ok: true,
    record: {
      id: `${context.fileTag}-${key}`,
      text,
      sentiment,
      score,
      confidence,
      createdMs,
      sourceFile: context.filePath,
      sourceLine: raw.line,
      sourceKey: key,
      fields,
    },
  };
}
