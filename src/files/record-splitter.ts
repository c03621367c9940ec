/**
 * Streaming record splitter for CSV/TSV (RFC 4180 quoting), NDJSON and plain text. Pure: no
 * Workers APIs, so the benchmark runs it in plain Node.
 *
 * Not the `udsv` package: it streams, but reports neither byte offsets nor line numbers per
 * record, and resuming a job exactly needs both. This works on bytes, which is safe for UTF-8:
 * the bytes it looks for (quote, delimiter, LF, CR) never occur inside a multi-byte character.
 */
/** `json` is one JSON array of records: JsonArraySplitter splits it, not this class. */
export type FileFormat = 'csv' | 'tsv' | 'ndjson' | 'json' | 'text';

export const FILE_FORMATS: readonly FileFormat[] = ['csv', 'tsv', 'ndjson', 'json', 'text'];

/** A record longer than this is counted as failed and skipped (a SQLite row holds ≤ 2 MB). */
export const MAX_RECORD_BYTES = 1024 * 1024;

const LF = 10;
const CR = 13;
const QUOTE = 34;
const TAB = 9;
const COMMA = 44;

export interface RawRecord {
  /** Physical line (1-based) the record starts on. */
  line: number;
  /** Absolute byte offset just past the record and its line break: where the next one starts. */
  end: number;
  /** The line number at `end`: with `end`, all a reader needs to resume after this record. */
  nextLine: number;
  /** CSV/TSV: the fields. NDJSON/text: one element, the line. Empty when `error` is set. */
  fields: string[];
  error: string | null;
}

interface Scanned {
  next: number;
  lines: number;
  fields: string[];
  error: string | null;
}

/** Quote state carried across chunks while skipping an oversized record. */
interface SkipState {
  line: number;
  inQuotes: boolean;
  afterQuote: boolean;
  atFieldStart: boolean;
  lines: number;
}

export class RecordSplitter {
  private readonly quoted: boolean;
  private readonly delimiter: number;
  private readonly delimiterChar: string;
  private readonly maxRecordBytes: number;
  private readonly decoder = new TextDecoder();
  private pending: Uint8Array = new Uint8Array(0);
  /** Absolute offset of `pending[0]`. */
  private offset: number;
  private line: number;
  private skipping: SkipState | null = null;
  private checkBom: boolean;
  /** Position of the next quote in the current buffer at or after the scan point; -1 unknown. */
  private quoteAt = -1;

  constructor(format: FileFormat, startOffset: number, startLine: number, maxRecordBytes = MAX_RECORD_BYTES) {
    this.quoted = format === 'csv' || format === 'tsv';
    this.delimiter = format === 'tsv' ? TAB : COMMA;
    this.delimiterChar = String.fromCharCode(this.delimiter);
    this.offset = startOffset;
    this.line = startLine;
    this.maxRecordBytes = maxRecordBytes;
    this.checkBom = startOffset === 0;
  }

  /** Bytes held for a record that has not ended yet: the carry-over across a chunk edge. */
  get carried(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): RawRecord[] {
    return this.run(chunk, false);
  }

  /** End of input: whatever is left is the last record, with or without a line break. */
  finish(): RawRecord[] {
    return this.run(new Uint8Array(0), true);
  }

  private run(chunk: Uint8Array, eof: boolean): RawRecord[] {
    let buf = chunk;
    if (this.pending.length > 0) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
    }
    let pos = 0;
    if (this.checkBom) {
      if (buf.length < 3 && !eof) {
        this.pending = buf;
        return [];
      }
      this.checkBom = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    }
    const out: RawRecord[] = [];
    this.quoteAt = -1;
    while (pos < buf.length) {
      if (this.skipping) {
        const end = this.skip(buf, pos);
        pos = end === -1 ? buf.length : end;
        if (end !== -1) this.emitSkipped(out, pos);
        continue;
      }
      const scanned = this.scan(buf, pos, eof);
      if (!scanned) {
        // Too long to hold: from here on only its end is looked for, tracking quotes from its start.
        if (buf.length - pos > this.maxRecordBytes) {
          this.skipping = { line: this.line, inQuotes: false, afterQuote: false, atFieldStart: true, lines: 0 };
          continue;
        }
        break;
      }
      const empty = scanned.next - pos <= 2 && scanned.fields.length === 1 && scanned.fields[0] === '' && !scanned.error;
      const oversized = scanned.next - pos > this.maxRecordBytes;
      const line = this.line;
      this.line += scanned.lines;
      pos = scanned.next;
      const at = { line, end: this.offset + pos, nextLine: this.line };
      if (oversized) out.push({ ...at, fields: [], error: this.tooLong() });
      else if (!empty) out.push({ ...at, fields: scanned.fields, error: scanned.error });
    }
    if (this.skipping && eof) this.emitSkipped(out, buf.length);
    this.offset += pos;
    this.pending = buf.slice(pos);
    return out;
  }

  private tooLong(): string {
    return `Record is longer than ${this.maxRecordBytes} bytes`;
  }

  private emitSkipped(out: RawRecord[], pos: number): void {
    const state = this.skipping;
    if (!state) return;
    this.skipping = null;
    // A record cut short by the end of input still spans its first line.
    this.line = state.line + Math.max(1, state.lines);
    out.push({ line: state.line, end: this.offset + pos, nextLine: this.line, fields: [], error: this.tooLong() });
  }

  /** Advances an oversized record; the index just past its line break, or -1 if not in `buf`. */
  private skip(buf: Uint8Array, from: number): number {
    const s = this.skipping;
    if (!s) return from;
    for (let i = from; i < buf.length; i++) {
      const b = buf[i];
      if (this.quoted && s.inQuotes) {
        if (s.afterQuote) {
          s.afterQuote = false;
          if (b === QUOTE) continue; // an escaped quote
          s.inQuotes = false; // the quote closed the field: look at this byte again, unquoted
        } else {
          if (b === QUOTE) s.afterQuote = true;
          else if (b === LF) s.lines += 1;
          continue;
        }
      }
      if (b === LF) {
        s.lines += 1;
        return i + 1;
      }
      if (this.quoted && b === QUOTE && s.atFieldStart) {
        s.inQuotes = true;
        s.atFieldStart = false;
      } else {
        s.atFieldStart = b === this.delimiter;
      }
    }
    return -1;
  }

  private decode(buf: Uint8Array, start: number, end: number): string {
    return this.decoder.decode(buf.subarray(start, end));
  }

  /** One record from `pos`, or null when `buf` ends before the record does (and more may come). */
  private scan(buf: Uint8Array, pos: number, eof: boolean): Scanned | null {
    let lf = buf.indexOf(LF, pos);
    if (this.quoted) {
      if (this.quoteAt !== Infinity && this.quoteAt < pos) {
        const q = buf.indexOf(QUOTE, pos);
        this.quoteAt = q === -1 ? Infinity : q;
      }
      if (this.quoteAt < (lf === -1 ? buf.length : lf)) return this.scanQuoted(buf, pos, eof);
    }
    if (lf === -1) {
      if (!eof) return null;
      lf = buf.length;
    }
    const end = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    const text = this.decode(buf, pos, end);
    return { next: Math.min(lf + 1, buf.length), lines: 1, fields: this.quoted ? text.split(this.delimiterChar) : [text], error: null };
  }

  /** The slow path, for a record with a quote in it: RFC 4180 fields, quotes opening only at a field start. */
  private scanQuoted(buf: Uint8Array, pos: number, eof: boolean): Scanned | null {
    const fields: string[] = [];
    let lines = 1;
    let i = pos;
    for (;;) {
      let value: string;
      if (buf[i] === QUOTE) {
        const start = i + 1;
        let j = start;
        let escaped = false;
        let close: number;
        for (;;) {
          const q = buf.indexOf(QUOTE, j);
          if (q === -1 || (q + 1 === buf.length && !eof)) {
            if (!eof) return null;
            return { next: buf.length, lines: lines + countLf(buf, j, buf.length), fields: [], error: 'Unterminated quoted field' };
          }
          lines += countLf(buf, j, q);
          if (buf[q + 1] === QUOTE) {
            escaped = true;
            j = q + 2;
            continue;
          }
          close = q;
          break;
        }
        value = this.decode(buf, start, close);
        if (escaped) value = value.replaceAll('""', '"');
        i = close + 1;
        // Text after the closing quote (not RFC 4180) is kept, as most readers do.
        const stop = this.fieldEnd(buf, i);
        if (stop === -1 && !eof) return null;
        const end = stop === -1 ? buf.length : stop;
        const tail = end > i && buf[end] === LF && buf[end - 1] === CR ? end - 1 : end;
        if (tail > i) value += this.decode(buf, i, tail);
        i = end;
      } else {
        const stop = this.fieldEnd(buf, i);
        if (stop === -1 && !eof) return null;
        const end = stop === -1 ? buf.length : stop;
        const tail = end > i && buf[end] === LF && buf[end - 1] === CR ? end - 1 : end;
        value = this.decode(buf, i, tail);
        i = end;
      }
      fields.push(value);
      if (i >= buf.length) return { next: buf.length, lines, fields, error: null };
      if (buf[i] === LF) return { next: i + 1, lines, fields, error: null };
      i += 1; // the delimiter
    }
  }

  /** Index of the next delimiter or LF from `i`, or -1. */
  private fieldEnd(buf: Uint8Array, i: number): number {
    for (let k = i; k < buf.length; k++) {
      const b = buf[k];
      if (b === this.delimiter || b === LF) return k;
    }
    return -1;
  }
}

function countLf(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF, from); i !== -1 && i < to; i = buf.indexOf(LF, i + 1)) n += 1;
  return n;
}

const EXTENSIONS: Record<string, FileFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  txt: 'text',
  text: 'text',
  log: 'text',
};

// A JSON array of objects (or an empty one) as the file's first bytes.
const JSON_ARRAY_START = /^\s*\[\s*[{\]]/;

/**
 * The format by extension when it names one, else by content: a JSON array of objects is `json`
 * (also for `.json`, which is NDJSON otherwise); a first line that is a JSON object is NDJSON; a
 * header with more tabs than commas is TSV; with commas, CSV; anything else is text.
 */
export function detectFormat(path: string, sample: Uint8Array): FileFormat {
  const dot = path.lastIndexOf('.');
  const extension = dot > path.lastIndexOf('/') ? path.slice(dot + 1).toLowerCase() : '';
  const byExtension = EXTENSIONS[extension];
  if (byExtension) return byExtension;
  const head = new TextDecoder().decode(sample).replace(/^\uFEFF/, '');
  if (JSON_ARRAY_START.test(head) || (extension === 'json' && head.trimStart().startsWith('['))) return 'json';
  if (extension === 'json') return 'ndjson';
  const firstLine = (head.split('\n').find((l) => l.trim() !== '') ?? '').replace(/\r$/, '');
  if (firstLine.trimStart().startsWith('{')) {
    try {
      const value: unknown = JSON.parse(firstLine);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return 'ndjson';
    } catch {
      // not JSON: fall through to the delimited formats
    }
  }
  const tabs = firstLine.split('\t').length - 1;
  const commas = firstLine.split(',').length - 1;
  if (tabs > 0 && tabs >= commas) return 'tsv';
  if (commas > 0) return 'csv';
  return 'text';
}
