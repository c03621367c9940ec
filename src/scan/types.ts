export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ['pii', 'secret', 'malware'] as const;
export type Category = (typeof CATEGORIES)[number];

/** A detector hit inside one decoded window; offsets are UTF-16 indices into that window. */
export interface WindowMatch {
  type: string;
  category: Category;
  severity: Severity;
  start: number;
  end: number;
  /** PII with medical words nearby (HIPAA's PHI test). */
  medicalContext?: boolean;
}

export interface Finding {
  type: string;
  category: Category;
  severity: Severity;
  /** 1-based; null after a gap in the input (sampled scans), where earlier lines were not seen. */
  line: number | null;
  /** 1-based, in characters (code points); null until a line start has been seen. */
  column: number | null;
  /** UTF-8 byte offset of the value in the file. */
  offset: number;
  /** Length of the value in bytes. */
  length: number;
  /** The value masked by `maskPreview`: never the raw value. */
  preview: string;
  medicalContext?: boolean;
}

/** Exact totals per finding type, kept even when the detailed list is capped. */
export interface TypeCount {
  type: string;
  category: Category;
  severity: Severity;
  count: number;
  /** How many of `count` had medical words nearby. */
  medicalContext: number;
}

export interface ScanResult {
  /** Detailed findings in file order, at most `maxFindings`. */
  findings: Finding[];
  totalFindings: number;
  findingsTruncated: boolean;
  counts: TypeCount[];
  countsBySeverity: Record<Severity, number>;
  /** NUL bytes or mostly non-text bytes in the first KiB: only printable strings were scanned. */
  binary: boolean;
  /** Only part of the file was scanned (gaps between pushed ranges, or fewer bytes than `fileSize`). */
  sampled: boolean;
  bytesScanned: number;
}

/** A scanner's state between windows, as plain JSON values (see `Scanner.snapshot`). */
export interface ScannerSnapshot {
  /** Push the input again from this byte offset. */
  resumeOffset: number;
  started: boolean;
  /** Matches starting before this offset were recorded. */
  ownStart: number;
  /** Line and column (characters) at `resumeOffset`, and whether they are known. */
  line: number;
  col: number;
  lineKnown: boolean;
  colKnown: boolean;
  binary: boolean | null;
  sampled: boolean;
  /** Bytes scanned before `resumeOffset`. */
  bytesScanned: number;
  /** The file's first `resumeOffset` bytes, base64, while it is small enough to hash whole. */
  head: string | null;
  /** Types found at offset 0. */
  atStart: string[];
  /** Detailed findings not yet drained. */
  findings: Finding[];
  /** Detailed findings recorded so far, drained or not (capped by `maxFindings`). */
  detailed: number;
  totalFindings: number;
  counts: TypeCount[];
  countsBySeverity: Record<Severity, number>;
}
