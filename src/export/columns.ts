/**
 * The column model shared by the export writers: which columns an export has, in which order,
 * and how a dataset record becomes one value per column.
 */
import type { DatasetRecord, FieldValue } from '../core/dataset-record.ts';

export interface Column {
  /** Header text as the user sees it. */
  readonly header: string;
  /** Holds an ISO 8601 string that typed formats (XLSX) store as a date. */
  readonly date: boolean;
  value(record: DatasetRecord): FieldValue;
}

export interface ExportColumns {
  /** The dataset's `fields` keys, deduplicated, in the caller's order. */
  readonly fieldKeys: readonly string[];
  /** Fixed columns first, then one per field key. */
  readonly columns: readonly Column[];
}

const FIXED_COLUMNS: readonly Column[] = [
  { header: 'id', date: false, value: (r) => r.id },
  { header: 'text', date: false, value: (r) => r.text },
  { header: 'sentiment', date: false, value: (r) => r.sentiment },
  { header: 'score', date: false, value: (r) => r.score },
  { header: 'confidence', date: false, value: (r) => r.confidence },
  { header: 'createdAt', date: true, value: (r) => r.createdAt },
  { header: 'source_file', date: false, value: (r) => r.source.file },
  { header: 'source_line', date: false, value: (r) => r.source.line },
];

/**
 * A record's value for a field key; own properties only, so keys such as `constructor` or
 * `__proto__` never read Object.prototype. Missing keys are null.
 */
export function fieldValue(record: DatasetRecord, key: string): FieldValue {
  return Object.hasOwn(record.fields, key) ? (record.fields[key] ?? null) : null;
}

/**
 * Columns for an export. `fieldKeys` is the dataset summary's `columns` (the union of its
 * records' `fields` keys), so the header is known before the first record. Every field column is
 * headed `fields.<key>`, as the JSON export nests it, so a source column never shares a name
 * with a fixed one (a source column named `id` is `fields.id`, whatever else the file holds).
 */
export function exportColumns(fieldKeys: readonly string[]): ExportColumns {
  const keys = [...new Set(fieldKeys)];
  const fieldColumns = keys.map((key): Column => ({ header: `fields.${key}`, date: false, value: (r) => fieldValue(r, key) }));
  return { fieldKeys: keys, columns: [...FIXED_COLUMNS, ...fieldColumns] };
}

// A plain decimal: optional minus, no leading zeros (`007` is an identifier, not seven).
const PLAIN_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
// Doubles hold 15 significant decimal digits exactly; longer ones (card numbers, ids) stay text.
const MAX_EXACT_DIGITS = 15;

/**
 * The number a text cell spells, when a spreadsheet would read it as that number and nothing
 * is lost by storing it as one; null otherwise. CSV sources give every field as text, so this is
 * how `-3` stays a number in CSV (not neutralised as a formula) and in XLSX (a numeric cell).
 */
export function numericText(text: string): number | null {
  if (!PLAIN_DECIMAL.test(text)) return null;
  const digits = text.replace(/^-?0*\.?0*|\./g, '');
  return digits.length <= MAX_EXACT_DIGITS ? Number(text) : null;
}

/**
 * A number that every format can store; NaN and ±Infinity are not (JSON has no literal for them,
 * SpreadsheetML rejects them), so all writers export them as empty, as JSON.stringify does.
 */
export function isExportableNumber(value: FieldValue): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
