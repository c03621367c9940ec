/**
 * Streaming splitter for a file whose top level is one JSON array: each element is a record.
 * Bytes in, elements out, with the same byte-offset checkpoints as RecordSplitter, so a job
 * resumes at exactly the next element. Only the element being read is held (up to the record
 * limit), never the file. It finds element edges (brackets and strings); the builder parses
 * each element with JSON.parse. Pure: no Workers APIs.
 */
import { MAX_RECORD_BYTES, RecordSplitter, type FileFormat, type RawRecord } from './record-splitter.ts';

const LF = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

// A UTF-8 byte order mark, skipped where the file starts.
const BOM = [0xef, 0xbb, 0xbf];

const isSpace = (b: number): boolean => b === 32 || b === 9 || b === 10 || b === 13;

/**
 * Where the reader is. A checkpoint (an element's `end`) is always just past an element, so a
 * splitter that starts anywhere but 0 starts in `after`; `rest` swallows what follows a broken
 * or finished array, and is reported once at the end of input.
 */
type Place = 'start' | 'before' | 'element' | 'after' | 'rest';

export class JsonArraySplitter {
  private readonly maxRecordBytes: number;
  private readonly decoder = new TextDecoder();
  private place: Place;
  private offset: number;
  private line: number;
  // The element being read.
  private parts: Uint8Array[] = [];
  private size = 0;
  private startLine = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scalar = false;
  // Why `rest` is being swallowed (null after a well-closed array), and from which line.
  private restError: string | null = null;
  private restLine = 0;
  private closed = false;

  constructor(startOffset: number, startLine: number, maxRecordBytes = MAX_RECORD_BYTES) {
    this.offset = startOffset;
    this.line = startLine;
    this.maxRecordBytes = maxRecordBytes;
    this.place = startOffset === 0 ? 'start' : 'after';
  }

  /** Bytes held for an element that has not ended yet. */
  get carried(): number {
    return this.size;
  }

  push(chunk: Uint8Array): RawRecord[] {
    const out: RawRecord[] = [];
    let i = 0;
    let elementFrom = this.place === 'element' ? 0 : -1;
    for (; i < chunk.length; i++) {
      const b = chunk[i] ?? 0;
      switch (this.place) {
        case 'element': {
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (b === BACKSLASH) this.escaped = true;
            else if (b === QUOTE) {
              this.inString = false;
              if (this.depth === 0) {
                this.take(chunk, elementFrom, i + 1);
                out.push(this.emit(this.offset + i + 1));
                elementFrom = -1;
              }
            } else if (b === LF) this.line += 1;
            continue;
          }
          if (this.scalar && (b === COMMA || b === CLOSE_ARRAY || isSpace(b))) {
            this.take(chunk, elementFrom, i);
            out.push(this.emit(this.offset + i));
            elementFrom = -1;
            i -= 1; // the byte that ended it belongs to what follows
            continue;
          }
          if (b === QUOTE) this.inString = true;
          else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth += 1;
          else if ((b === CLOSE_OBJECT || b === CLOSE_ARRAY) && !this.scalar) {
            this.depth -= 1;
            if (this.depth === 0) {
              this.take(chunk, elementFrom, i + 1);
              out.push(this.emit(this.offset + i + 1));
              elementFrom = -1;
            }
          } else if (b === LF) this.line += 1;
          continue;
        }
        case 'start':
          if (b === OPEN_ARRAY) this.place = 'before';
          else if (!isSpace(b) && BOM[this.offset + i] !== b) this.toRest('The file is not a JSON array');
          break;
        case 'before':
          if (b === CLOSE_ARRAY) this.close();
          else if (!isSpace(b) && b !== COMMA) {
            this.place = 'element';
            this.startLine = this.line;
            this.depth = 0;
            this.inString = b === QUOTE;
            this.escaped = false;
            this.scalar = b !== QUOTE && b !== OPEN_OBJECT && b !== OPEN_ARRAY;
            if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth = 1;
            elementFrom = i;
          }
          break;
        case 'after':
          if (b === COMMA) this.place = 'before';
          else if (b === CLOSE_ARRAY) this.close();
          else if (!isSpace(b)) this.toRest('Expected , or ] after an array element');
          break;
        case 'rest':
          if (this.restError === null && !isSpace(b)) this.toRest('Text after the end of the JSON array');
          break;
      }
      if (b === LF) this.line += 1;
    }
    if (this.place === 'element') this.take(chunk, elementFrom, chunk.length);
    this.offset += chunk.length;
    return out;
  }

  /** End of input: an element or array left open, or text after it, is one failed record. */
  finish(): RawRecord[] {
    if (this.place === 'element') {
      this.parts = [];
      this.size = 0;
      return [{ line: this.startLine, end: this.offset, nextLine: this.line, fields: [], error: 'The JSON array ends inside an element' }];
    }
    if (this.restError !== null) {
      return [{ line: this.restLine, end: this.offset, nextLine: this.line, fields: [], error: this.restError }];
    }
    if (!this.closed && this.place !== 'start') {
      return [{ line: this.line, end: this.offset, nextLine: this.line, fields: [], error: 'The JSON array is not closed' }];
    }
    return [];
  }

  private close(): void {
    this.closed = true;
    this.place = 'rest';
  }

  private toRest(error: string): void {
    if (this.restError === null) {
      this.restError = error;
      this.restLine = this.line;
    }
    this.place = 'rest';
  }

  /** Keeps `chunk[from, to)` of the current element, unless it is already over the limit. */
  private take(chunk: Uint8Array, from: number, to: number): void {
    if (from < 0 || to <= from) return;
    this.size += to - from;
    if (this.size <= this.maxRecordBytes) this.parts.push(chunk.slice(from, to));
    else this.parts = [];
  }

  private emit(end: number): RawRecord {
    this.place = 'after';
    const oversized = this.size > this.maxRecordBytes;
    let text = '';
    if (!oversized) {
      const bytes = this.parts.length === 1 ? this.parts[0] : concat(this.parts, this.size);
      text = bytes ? this.decoder.decode(bytes) : '';
    }
    this.parts = [];
    this.size = 0;
    const at = { line: this.startLine, end, nextLine: this.line };
    return oversized ? { ...at, fields: [], error: `Record is longer than ${this.maxRecordBytes} bytes` } : { ...at, fields: [text], error: null };
  }
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Bytes in, records out: what file_processing needs of a splitter, whatever the format. */
export interface Splitter {
  push(chunk: Uint8Array): RawRecord[];
  finish(): RawRecord[];
}

/** The splitter for a format, starting at a record boundary (0, or a checkpoint's offset and line). */
export function splitterFor(format: FileFormat, offset: number, line: number): Splitter {
  return format === 'json' ? new JsonArraySplitter(offset, line) : new RecordSplitter(format, offset, line);
}
