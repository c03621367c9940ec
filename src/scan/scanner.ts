// Streaming scanner: fed a file as byte chunks (any sizes, at their file offsets), it runs the
// detectors over bounded overlapping windows, so memory stays bounded, detectors run in time
// linear in the input, and nothing straddling a chunk edge is missed or counted twice.
//
// Windows: each owns WINDOW bytes [ownStart, ownEnd); it is decoded together with LEFT_CONTEXT
// bytes before and OVERLAP bytes after, and reports only matches that start in its own range.
// A match (at most MAX_MATCH_AND_CONTEXT_AFTER characters with its context) that starts in the
// range therefore ends inside the window, and the next window sees any match starting after.
// Long lines need no special case: a window is a window whether or not it holds line breaks.
//
// Snapshots: the state between windows is a few numbers, the counts and the findings not yet
// drained. The bytes buffered past the last scanned window are not kept: a scanner resumed from
// a snapshot is pushed the file again from `resumeOffset` (at most one window and its context
// earlier than where the input stopped), and then scans exactly as if it had never stopped.
import { detectWindow, MAX_CONTEXT_BEFORE, MAX_MATCH_AND_CONTEXT_AFTER } from './detect.ts';
import { HASHED_FILE_MAX, matchFileHash } from './malware.ts';
import { maskPreview } from './mask-preview.ts';
import type { Finding, ScanResult, ScannerSnapshot, Severity, TypeCount, WindowMatch } from './types.ts';

export const WINDOW = 64 * 1024;
// Bytes, not characters: context words are ASCII, and a few UTF-8 letters fit the margin.
const LEFT_CONTEXT = MAX_CONTEXT_BEFORE + 56;
const OVERLAP = MAX_MATCH_AND_CONTEXT_AFTER + 1024;
const CAPACITY = LEFT_CONTEXT + WINDOW + OVERLAP;

export const DEFAULT_MAX_FINDINGS = 1000;
const BINARY_SNIFF_BYTES = 1024;
const BINARY_NON_TEXT_RATIO = 0.3;
/** Printable ASCII runs at least this long are what a binary file's text is taken to be. */
export const MIN_BINARY_STRING = 6;

export interface ScannerOptions {
  /** Findings kept in detail; counts stay exact beyond it. */
  maxFindings?: number;
  /** When known, a scan that saw fewer bytes reports itself as sampled. */
  fileSize?: number;
  /** Go on from a snapshot of an earlier scanner (with the same options). */
  resume?: ScannerSnapshot;
}

export interface Scanner {
  /** Bytes at `chunkByteOffset` in the file. Re-sent bytes are skipped; a jump ahead is a gap. */
  push(chunk: Uint8Array, chunkByteOffset: number): void;
  /** The detailed findings recorded since the last drain, in file order; the scanner forgets them. */
  drainFindings(): Finding[];
  /** The state as plain values; push again from its `resumeOffset` after resuming. */
  snapshot(): ScannerSnapshot;
  /** Scans what is left; `findings` holds those not drained before. */
  finish(): ScanResult;
}

const isContinuation = (b: number): boolean => (b & 0xc0) === 0x80;
const isPrintable = (b: number): boolean => (b >= 0x20 && b < 0x7f) || b === 0x09;

/** NUL bytes, or many control bytes (or bytes that are not UTF-8) in `head`. */
export function looksBinary(head: Uint8Array): boolean {
  if (head.includes(0)) return true;
  let validUtf8 = true;
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(head, { stream: true });
  } catch {
    validUtf8 = false;
  }
  let nonText = 0;
  for (const b of head) {
    if (b < 0x20 ? b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x08 && b !== 0x1b : b === 0x7f || (b >= 0x80 && !validUtf8)) {
      nonText++;
    }
  }
  return nonText > head.length * BINARY_NON_TEXT_RATIO;
}

function toBase64(bytes: Uint8Array): string {
  return btoa(latin1(bytes));
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** One char per byte (ISO-8859-1), so char index == byte index. */
function latin1(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) parts.push(String.fromCharCode(...bytes.subarray(i, i + 8192)));
  return parts.join('');
}

/** Binary files: printable runs of MIN_BINARY_STRING+ bytes kept, every other byte a line break. */
function printableStrings(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  let runStart = 0;
  for (let i = 0; i <= out.length; i++) {
    if (i < out.length && isPrintable(out[i] ?? 0)) continue;
    if (i - runStart < MIN_BINARY_STRING) out.fill(0x0a, runStart, i);
    if (i < out.length) out[i] = 0x0a;
    runStart = i + 1;
  }
  return out;
}

interface Decoded {
  text: string;
  raw: string;
  /** Byte offset (within the window) of each UTF-16 index, or null when they are equal. */
  byteAt: Uint32Array | null;
}

function decodeWindow(bytes: Uint8Array, binary: boolean): Decoded {
  if (binary) return { text: latin1(printableStrings(bytes)), raw: latin1(bytes), byteAt: null };
  let text: string;
  try {
    // ignoreBOM keeps a leading BOM in the text, so indices still line up with bytes.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Not UTF-8 (Latin-1 text, a stray byte): byte-per-char still finds every ASCII secret.
    text = latin1(bytes);
    return { text, raw: text, byteAt: null };
  }
  // Only multi-byte sequences make the string shorter than the bytes.
  if (text.length === bytes.length) return { text, raw: text, byteAt: null };
  const byteAt = new Uint32Array(text.length + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    byteAt[i] = b;
    const c = text.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      byteAt[++i] = b + 2; // low surrogate: inside the 4-byte sequence
      b += 4;
    } else b += 3;
  }
  byteAt[text.length] = b;
  return { text, raw: text, byteAt };
}

export function createScanner(options: ScannerOptions = {}): Scanner {
  const maxFindings = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const from = options.resume;
  const buf = new Uint8Array(CAPACITY);
  let bufStart = from?.resumeOffset ?? 0; // file offset of buf[0]
  let bufLen = 0;
  let ownStart = from?.ownStart ?? 0; // matches starting before this were reported
  let started = from?.started ?? false;
  let finished = false;
  // Position of buf[0]: line and column (in characters) when known.
  let line = from?.line ?? 1;
  let col = from?.col ?? 0;
  let lineKnown = from?.lineKnown ?? true;
  let colKnown = from?.colKnown ?? true;
  let binary: boolean | null = from?.binary ?? null;
  let sampled = from?.sampled ?? false;
  let bytesScanned = from?.bytesScanned ?? 0;
  // The file from offset 0 while it is small enough to hash whole.
  let whole: Uint8Array[] | null = from ? (from.head === null ? null : [fromBase64(from.head)]) : [];
  let wholeLen = from?.head ? bufStart : 0;
  // Types found at offset 0: the whole-file hash does not report the same signature again.
  const atStart = new Set(from?.atStart ?? []);

  const findings: Finding[] = from ? from.findings.map((f) => ({ ...f })) : [];
  let detailed = from?.detailed ?? 0;
  let totalFindings = from?.totalFindings ?? 0;
  const counts = new Map<string, TypeCount>(from?.counts.map((c) => [c.type, { ...c }]));
  const countsBySeverity: Record<Severity, number> = from ? { ...from.countsBySeverity } : { low: 0, medium: 0, high: 0, critical: 0 };

  function record(m: Pick<WindowMatch, 'type' | 'category' | 'severity' | 'medicalContext'>, f: Omit<Finding, 'type' | 'category' | 'severity'>): void {
    totalFindings++;
    countsBySeverity[m.severity]++;
    const c = counts.get(m.type) ?? { type: m.type, category: m.category, severity: m.severity, count: 0, medicalContext: 0 };
    c.count++;
    if (m.medicalContext) c.medicalContext++;
    counts.set(m.type, c);
    if (f.offset === 0) atStart.add(m.type);
    if (detailed < maxFindings) {
      detailed++;
      findings.push({ type: m.type, category: m.category, severity: m.severity, ...f, ...(m.medicalContext !== undefined ? { medicalContext: m.medicalContext } : {}) });
    }
  }

  /** Walks line/column from `from` (a buffer index whose position is `pos`) to buffer index `to`. */
  function walk(pos: { line: number; col: number; lineKnown: boolean; colKnown: boolean }, from: number, to: number): void {
    // Line breaks by the native search; columns are counted only after the last of them.
    const bytes = buf.subarray(0, to);
    let lineStart = from;
    for (let nl = bytes.indexOf(0x0a, from); nl >= 0; nl = bytes.indexOf(0x0a, nl + 1)) {
      pos.line++;
      lineStart = nl + 1;
    }
    if (lineStart > from) {
      pos.col = 0;
      pos.colKnown = true;
    }
    let col = pos.col;
    for (let i = lineStart; i < to; i++) if (!isContinuation(bytes[i] ?? 0)) col++;
    pos.col = col;
  }

  function processWindow(final: boolean): void {
    const bufEnd = bufStart + bufLen;
    const ownEnd = final ? bufEnd : ownStart + WINDOW;
    if (ownEnd <= ownStart) return;
    binary ??= looksBinary(buf.subarray(0, Math.min(bufLen, BINARY_SNIFF_BYTES)));
    let ws = Math.max(bufStart, ownStart - LEFT_CONTEXT);
    let we = final ? bufEnd : ownEnd + OVERLAP;
    // Decode whole UTF-8 sequences: no match starts on a continuation byte anyway.
    while (ws < ownStart && isContinuation(buf[ws - bufStart] ?? 0)) ws++;
    if (!final) {
      let lead = we - 1;
      while (lead > we - 4 && isContinuation(buf[lead - bufStart] ?? 0)) lead--;
      const b = buf[lead - bufStart] ?? 0;
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (lead + need > we) we = lead;
    }
    const { text, raw, byteAt } = decodeWindow(buf.subarray(ws - bufStart, we - bufStart), binary);
    const at = (i: number): number => ws + (byteAt ? (byteAt[i] ?? 0) : i);
    const pos = { line, col, lineKnown, colKnown };
    let walked = 0;
    for (const m of detectWindow(text, raw)) {
      const offset = at(m.start);
      if (offset < ownStart || offset >= ownEnd) continue;
      walk(pos, walked, offset - bufStart);
      walked = offset - bufStart;
      record(m, {
        line: pos.lineKnown ? pos.line : null,
        column: pos.colKnown ? pos.col + 1 : null,
        offset,
        length: at(m.end) - offset,
        preview: maskPreview(text.slice(m.start, m.end)),
      });
    }
    ownStart = ownEnd;
    // Keep LEFT_CONTEXT bytes before the next window's range; the cursor moves to the new buf[0].
    const keepFrom = Math.max(bufStart, ownStart - LEFT_CONTEXT) - bufStart;
    // Each byte is walked once: on from the last finding when it lies before keepFrom.
    const cursor = walked <= keepFrom ? pos : { line, col, lineKnown, colKnown };
    walk(cursor, walked <= keepFrom ? walked : 0, keepFrom);
    ({ line, col, lineKnown, colKnown } = cursor);
    buf.copyWithin(0, keepFrom, bufLen);
    bufLen -= keepFrom;
    bufStart += keepFrom;
  }

  /** Scans what is buffered to its end: the input jumps elsewhere next, or is over. */
  function flush(): void {
    while (bufStart + bufLen - ownStart > WINDOW + OVERLAP) processWindow(false);
    processWindow(true);
  }

  function startSegment(offset: number): void {
    bufStart = offset;
    bufLen = 0;
    ownStart = offset;
    if (offset > 0) {
      // Lines before the gap were not counted, nor (until the next line break) the column.
      lineKnown = false;
      colKnown = false;
      sampled = true;
    }
  }

  function keepWhole(chunk: Uint8Array, offset: number): void {
    if (whole === null) return;
    if (offset !== wholeLen || wholeLen + chunk.length > HASHED_FILE_MAX) {
      whole = null;
      return;
    }
    whole.push(chunk.slice());
    wholeLen += chunk.length;
  }

  function hashWholeFile(): void {
    if (whole === null || sampled || wholeLen === 0) return;
    const file = new Uint8Array(wholeLen);
    let o = 0;
    for (const part of whole) {
      file.set(part, o);
      o += part.length;
    }
    const sig = matchFileHash(file);
    // The same file's exact text was normally matched already, at offset 0.
    if (!sig || atStart.has(sig.type)) return;
    record({ ...sig, category: 'malware' }, { line: 1, column: 1, offset: 0, length: wholeLen, preview: maskPreview(sig.text) });
    findings.sort((a, b) => a.offset - b.offset);
  }

  return {
    push(chunk, chunkByteOffset) {
      if (finished) throw new Error('push() after finish()');
      if (!Number.isSafeInteger(chunkByteOffset) || chunkByteOffset < 0) throw new RangeError('chunkByteOffset must be a non-negative integer');
      let data = chunk;
      let offset = chunkByteOffset;
      const next = bufStart + bufLen;
      if (!started) {
        started = true;
        startSegment(offset);
      } else if (offset < next) {
        if (offset + data.length <= next) return;
        data = data.subarray(next - offset);
        offset = next;
      } else if (offset > next) {
        flush();
        startSegment(offset);
      }
      if (data.length === 0) return;
      keepWhole(data, offset);
      bytesScanned += data.length;
      for (let p = 0; p < data.length; ) {
        const n = Math.min(data.length - p, CAPACITY - bufLen);
        buf.set(data.subarray(p, p + n), bufLen);
        bufLen += n;
        p += n;
        while (bufStart + bufLen - ownStart >= WINDOW + OVERLAP) processWindow(false);
      }
    },

    drainFindings() {
      return findings.splice(0, findings.length);
    },

    snapshot() {
      if (finished) throw new Error('snapshot() after finish()');
      let head: string | null = null;
      if (whole !== null) {
        const bytes = new Uint8Array(wholeLen);
        let o = 0;
        for (const part of whole) {
          bytes.set(part, o);
          o += part.length;
        }
        head = toBase64(bytes.subarray(0, bufStart));
      }
      return {
        resumeOffset: bufStart,
        started,
        ownStart,
        line,
        col,
        lineKnown,
        colKnown,
        binary,
        sampled,
        // The buffered bytes count again when they are pushed again.
        bytesScanned: bytesScanned - bufLen,
        head,
        atStart: [...atStart],
        findings: findings.map((f) => ({ ...f })),
        detailed,
        totalFindings,
        counts: [...counts.values()].map((c) => ({ ...c })),
        countsBySeverity: { ...countsBySeverity },
      };
    },

    finish() {
      if (!finished) {
        finished = true;
        if (started) flush();
        if (options.fileSize !== undefined && bytesScanned < options.fileSize) sampled = true;
        hashWholeFile();
      }
      return {
        findings: [...findings],
        totalFindings,
        findingsTruncated: totalFindings > detailed,
        counts: [...counts.values()].map((c) => ({ ...c })),
        countsBySeverity: { ...countsBySeverity },
        binary: binary ?? false,
        sampled,
        bytesScanned,
      };
    },
  };
}
