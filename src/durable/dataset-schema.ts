// The dataset's tables and its record writes, with no Workers APIs: the DatasetStore runs them on
// its SQLite, and bench/data.ts on node:sqlite to measure the writes' floor.
import type { RecordInput } from '../core/dataset-record.ts';

/**
 * The dataset's schema, append-only like the coordinator's. Both indexes end in `id` so keyset
 * pagination on (created_ms, id) is a range scan, with or without a sentiment filter.
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
];

/** Runs one statement with its parameters. */
export type Exec = (query: string, ...params: (string | number | null)[]) => unknown;

/**
 * Upserts by id: a slice that runs again rewrites the same rows instead of adding copies. One
 * statement per batch, its rows as one JSON parameter (a Durable Object's query takes at most
 * 100 bound parameters, and a statement per row cost ~10x more per row than the row itself);
 * `fields` is encoded once, inside that JSON, and stored as SQLite re-serialises it.
 */
export function writeRecords(exec: Exec, records: readonly RecordInput[]): void {
  if (records.length === 0) return;
  const rows = records.map((r) => [r.id, r.text, r.sentiment, r.score, r.confidence, r.createdMs, r.sourceFile, r.sourceLine, r.fields]);
  exec(
    `INSERT INTO records (id, text, sentiment, score, confidence, created_ms, source_file, source_line, fields)
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value -> 8
     FROM json_each(?) WHERE true
     ON CONFLICT (id) DO UPDATE SET text = excluded.text, sentiment = excluded.sentiment, score = excluded.score,
       confidence = excluded.confidence, created_ms = excluded.created_ms, source_file = excluded.source_file,
       source_line = excluded.source_line, fields = excluded.fields`,
    JSON.stringify(rows),
  );
}
