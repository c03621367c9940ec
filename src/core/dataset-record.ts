import type { SentimentLabel } from '../analysis/sentiment.ts';

/** The vocabulary of dataset records, shared by the parser (also run in plain Node) and the DatasetStore. */
export type FieldValue = string | number | boolean | null;

/** A record as a job writes it: `id` is deterministic (file + line), so writing it twice is harmless. */
export interface RecordInput {
  id: string;
  text: string;
  sentiment: SentimentLabel | null;
  score: number | null;
  confidence: number | null;
  createdMs: number;
  sourceFile: string;
  sourceLine: number;
  /**
   * Its key within the source, unique and ascending: the line, unless several records may share
   * a line (a JSON array: then the byte offset where the record begins). Defaults to the line.
   */
  sourceKey?: number;
  fields: Record<string, FieldValue>;
}

/** A record as the DatasetStore reads it out (records endpoint, exports). */
export interface DatasetRecord {
  id: string;
  text: string;
  /** null until a job with processingType `analyze` has scored it. */
  sentiment: SentimentLabel | null;
  score: number | null;
  confidence: number | null;
  createdAt: string;
  source: { file: string; line: number };
  fields: Record<string, FieldValue>;
}
