// The dataset's tables and its record writes, with no Workers APIs: the DatasetStore runs them on
// its SQLite, and bench/data.ts on node:sqlite to measure the writes' floor.
import type { FieldValue, RecordInput } from '../core/dataset-record.ts';
import type { SentimentLabel } from '../analysis/sentiment.ts';

/**
 * The dataset's schema, append-only like the coordinator's. Reads page by keyset on
 * (created_ms, id): a range scan of the time index, with or without a sentiment filter.
 */
export const DATASET_MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE records (
     id TEXT PRIMARY KEY,
     text TEXT NOT NULL,
     sentiment TEXT CHECK (sentiment IN ('positive', 'negative', 'neutral')),
     score REAL,
     confidence REAL,
     created_ms INTEGER NOT NULL,
     source_file TEXT NOT NULL,
     source_line INTEGER NOT NULL,
     fields TEXT NOT NULL
   );
   CREATE INDEX records_by_time ON records (created_ms, id);
   CREATE INDEX records_by_sentiment ON records (sentiment, created_ms, id);
   CREATE INDEX records_by_source ON records (source_file, source_line);
   CREATE TABLE columns (name TEXT PRIMARY KEY);
   CREATE TABLE sources (file TEXT PRIMARY KEY, format TEXT NOT NULL, job_id TEXT NOT NULL, updated_ms INTEGER NOT NULL);
   CREATE TABLE writers (job_id TEXT PRIMARY KEY, since_ms INTEGER NOT NULL);`,
  // Records that were never analyzed (a parse) have no sentiment to filter on: indexing them
  // doubled a parse's write cost for nothing. `sentiment = ?` implies NOT NULL, so filtered
  // reads still use it.
  `DROP INDEX records_by_sentiment;
   CREATE INDEX records_by_sentiment_only ON records (sentiment, created_ms, id) WHERE sentiment IS NOT NULL;`,
  // The lean write path (bench:data: a parse spent 91% of its time in these writes). Rows are
  // keyed by source number and line, so a parse appends at the table's end and a re-run slice
  // rewrites the same keys; no id and no source index. A record is kept once, as the JSON row
  // its job sent (no text beside a fields copy). Counts per source and sentiment live in
  // `tallies`, kept per batch, so a summary never counts rows.
  `ALTER TABLE sources ADD COLUMN no INTEGER;
   INSERT OR IGNORE INTO sources (file, format, job_id, updated_ms) SELECT DISTINCT source_file, '', '', 0 FROM records;
   UPDATE sources SET no = rowid;
   CREATE UNIQUE INDEX sources_by_no ON sources (no);
   CREATE TABLE record_rows (
     k INTEGER PRIMARY KEY,
     id TEXT NOT NULL,
     created_ms INTEGER NOT NULL,
     sentiment TEXT CHECK (sentiment IN ('positive', 'negative', 'neutral')),
     body TEXT NOT NULL
   );
   INSERT OR REPLACE INTO record_rows (k, id, created_ms, sentiment, body)
     SELECT (s.no << 40) | r.source_line, r.id, r.created_ms, r.sentiment,
            json_array(r.source_line, r.id, r.created_ms, r.sentiment, r.score, r.confidence, r.text, json(r.fields))
     FROM records r JOIN sources s ON s.file = r.source_file;
   DROP TABLE records;
   CREATE INDEX record_rows_by_time ON record_rows (created_ms, id);
   CREATE INDEX record_rows_by_sentiment ON record_rows (sentiment, created_ms, id) WHERE sentiment IS NOT NULL;
   CREATE TABLE tallies (source_no INTEGER NOT NULL, sentiment TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (source_no, sentiment)) WITHOUT ROWID;
   INSERT INTO tallies (source_no, sentiment, n) SELECT k >> 40, COALESCE(sentiment, ''), COUNT(*) FROM record_rows GROUP BY 1, 2;`,
  // One index for reads in (created_ms, id) order, filtered or not: the sentiment rides in it, so
  // a filtered page skips other sentiments in the index without reading their rows. A second
  // index (sentiment, created_ms, id) cost an analyze ~40% of its write time (bench:data: 12.5 →
  // 7.6 µs a row on node:sqlite), for pages that now read about 3x the index entries they keep.
  `DROP INDEX record_rows_by_sentiment;
   DROP INDEX record_rows_by_time;
   CREATE INDEX record_rows_by_time ON record_rows (created_ms, id, sentiment);`,
];

/**
 * Records per write (the file handler's batch; bench:data's write floor uses it too). A write
 * holds its Durable Object (under `wrangler dev`, the whole isolate) while it runs: 5,000-record
 * writes put status GETs' p99 at 290–560 ms; 1,000-record ones waited ~13 ms a call for the
 * commit (now overlapped: the handler keeps one batch in flight).
 */
export const BATCH_RECORDS = 2000;

/** Lines of one source are keys below 2^40 (a trillion lines); the source's number sits above them. */
export const MAX_LINE = 2 ** 40 - 1;

/** A record as stored and sent: [line, id, createdMs, sentiment, score, confidence, text, fields]. */
export type RowTuple = [number, string, number, SentimentLabel | null, number | null, number | null, string, Record<string, FieldValue>];

/**
 * Records of one source file as one JSON array of `RowTuple`s: a batch crosses the RPC as one
 * string (structured-cloning 1,000 record objects cost more than writing them) and SQLite reads
 * it with json_each, never re-encoded. Every line lies in [first, last].
 */
export interface RowBatch {
  source: string;
  rows: string;
  count: number;
  first: number;
  last: number;
}

/** Builds a batch row by row (the file handler's), so no array of record objects is kept. */
export class RowBatchBuilder {
  private rows: string[] = [];
  private first = Infinity;
  private last = -Infinity;
  readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  get count(): number {
    return this.rows.length;
  }

  add(r: RecordInput): void {
    const row: RowTuple = [r.sourceLine, r.id, r.createdMs, r.sentiment, r.score, r.confidence, r.text, r.fields];
    this.rows.push(JSON.stringify(row));
    this.first = Math.min(this.first, r.sourceLine);
    this.last = Math.max(this.last, r.sourceLine);
  }

  /** The batch so far, and a fresh start. */
  take(): RowBatch {
    const batch = { source: this.source, rows: `[${this.rows.join(',')}]`, count: this.rows.length, first: this.first, last: this.last };
    this.rows = [];
    this.first = Infinity;
    this.last = -Infinity;
    return batch;
  }
}

/** Records in batches, one per source file. */
export function batchesOf(records: readonly RecordInput[]): RowBatch[] {
  const builders = new Map<string, RowBatchBuilder>();
  for (const r of records) {
    let builder = builders.get(r.sourceFile);
    if (!builder) builders.set(r.sourceFile, (builder = new RowBatchBuilder(r.sourceFile)));
    builder.add(r);
  }
  return [...builders.values()].map((b) => b.take());
}

export type SqlValue = string | number | null;

/** What the writes need of a SQLite connection: the DatasetStore's and node:sqlite's both fit. */
export interface Sql {
  run(query: string, ...params: SqlValue[]): void;
  all<T>(query: string, ...params: SqlValue[]): T[];
}

/** The number a source file's rows are keyed under: given on first sight, then kept. */
export function sourceNumber(sql: Sql, file: string): number {
  const known = sql.all<{ no: number }>('SELECT no FROM sources WHERE file = ?', file)[0];
  if (known) return known.no;
  return sql.all<{ no: number }>(
    `INSERT INTO sources (file, format, job_id, updated_ms, no) VALUES (?, '', '', 0, (SELECT COALESCE(MAX(no), 0) + 1 FROM sources))
     RETURNING no`,
    file,
  )[0]?.no as number;
}

const RANGE_COUNTS = `SELECT COALESCE(sentiment, '') AS sentiment, COUNT(*) AS n FROM record_rows
  WHERE k BETWEEN (?1 << 40) | ?2 AND (?1 << 40) | ?3 GROUP BY 1`;

/**
 * Upserts by source and line: a slice that runs again rewrites the same rows instead of adding
 * copies. One statement for the batch (a Durable Object's query takes at most 100 bound
 * parameters, and a statement per row cost ~10x more per row than the row itself). The tallies
 * move by what the batch's line range held before and holds after, so a rewrite counts once.
 */
export function writeRows(sql: Sql, batch: RowBatch): void {
  if (batch.count === 0) return;
  if (!(batch.first >= 0 && batch.last <= MAX_LINE)) throw new RangeError('line out of range');
  const no = sourceNumber(sql, batch.source);
  const delta = new Map<string, number>();
  for (const { sentiment, n } of sql.all<{ sentiment: string; n: number }>(RANGE_COUNTS, no, batch.first, batch.last)) delta.set(sentiment, -n);
  sql.run(
    // json_each renders an element's text each time `value` is named: materialized, once a row
    // instead of five (bench:data's write floor, node:sqlite: ~4.1 → ~3.3 µs a row without indexes).
    `WITH batch (row) AS MATERIALIZED (SELECT value FROM json_each(?2))
     INSERT INTO record_rows (k, id, created_ms, sentiment, body)
     SELECT (?1 << 40) | (row ->> 0), row ->> 1, row ->> 2, row ->> 3, row FROM batch WHERE true
     ON CONFLICT (k) DO UPDATE SET id = excluded.id, created_ms = excluded.created_ms, sentiment = excluded.sentiment, body = excluded.body`,
    no,
    batch.rows,
  );
  for (const { sentiment, n } of sql.all<{ sentiment: string; n: number }>(RANGE_COUNTS, no, batch.first, batch.last)) {
    delta.set(sentiment, (delta.get(sentiment) ?? 0) + n);
  }
  for (const [sentiment, n] of delta) {
    if (n === 0) continue;
    sql.run(
      'INSERT INTO tallies (source_no, sentiment, n) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n',
      no,
      sentiment,
      n,
    );
  }
}
