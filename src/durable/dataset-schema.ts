// The dataset's tables and its record writes, with no Workers APIs: the DatasetStore runs them on
// its SQLite, and bench/data.ts on node:sqlite to measure the writes' floor.
import type { FieldValue, RecordInput } from '../core/dataset-record.ts';
import type { SentimentLabel } from '../analysis/sentiment.ts';

/**
 * A record's key within its source (its line, or a JSON array's byte offset: `RecordInput.sourceKey`)
 * is below 2^40; the source's number sits above it.
 */
export const MAX_KEY = 2 ** 40 - 1;
const MAX_KEY_SQL = String(MAX_KEY);

/**
 * The dataset's schema, append-only like the coordinator's. Since migration 5 records are kept a
 * batch to a row (a segment) and read in file order, (source, key).
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
  // Segments: a batch of records as one row, keyed by its source number and first key, read in
  // file order. A row and a time-index entry per record were ~85% of a parse's writes in workerd
  // (bench:store: 9.4–9.8 µs a record against 1.6–1.8 a batch to a row), and with dates random
  // to the millisecond the index's cost grew with the dataset (14 → 41 µs a record). The date
  // range, counts per sentiment and sorted times per sentiment (`Times`) of each segment let
  // filtered reads and counts skip it or count it without its records. Rows written
  // before become segments of one record each (a row that fit stays a row that fits).
  `CREATE TABLE segments (
     k INTEGER PRIMARY KEY,
     last_key INTEGER NOT NULL,
     count INTEGER NOT NULL,
     min_ms INTEGER NOT NULL,
     max_ms INTEGER NOT NULL,
     positive INTEGER NOT NULL,
     negative INTEGER NOT NULL,
     neutral INTEGER NOT NULL,
     times TEXT NOT NULL,
     body TEXT NOT NULL
   );
   INSERT INTO segments (k, last_key, count, min_ms, max_ms, positive, negative, neutral, times, body)
     SELECT k, k & ${MAX_KEY_SQL}, 1, created_ms, created_ms,
            sentiment IS 'positive', sentiment IS 'negative', sentiment IS 'neutral',
            json_array(${['positive', 'negative', 'neutral'].map((l) => `json(CASE WHEN sentiment IS '${l}' THEN json_array(created_ms) ELSE '[]' END)`).join(', ')},
                       json(CASE WHEN sentiment IS NULL THEN json_array(created_ms) ELSE '[]' END)),
            '[' || body || ']'
     FROM record_rows;
   DROP TABLE record_rows;`,
];

/**
 * Records per write (the file handler's batch; bench:data's write floor uses it too), each
 * write one segment. A write holds its Durable Object (under `wrangler dev`, the whole isolate)
 * while it runs, and a reader decodes a whole segment for a page.
 */
export const BATCH_RECORDS = 2000;

/**
 * A segment's JSON stays under this many UTF-16 units: a SQLite row holds at most 2 MB, so a
 * batch is cut before a record that would take it past (one record alone may take more, as it
 * did as a row of its own).
 */
export const SEGMENT_MAX_CHARS = 512 * 1024;

/**
 * A row of a Durable Object's SQLite holds at most 2 MB, which `wrangler dev` does not enforce:
 * a segment this long (in UTF-16 units, each at least a byte) is refused here as it would be there.
 */
export const ROW_MAX_CHARS = 2_000_000;

/**
 * A record as stored and sent: [key, id, createdMs, sentiment, score, confidence, text, fields,
 * line]. The key orders and identifies it within its source (`RecordInput.sourceKey`); the line
 * is left out when it is the key.
 */
export type RowTuple = [number, string, number, SentimentLabel | null, number | null, number | null, string, Record<string, FieldValue>, number?];

/** A segment's createdMs values, sorted, per sentiment: positive, negative, neutral, none. */
export type Times = [number[], number[], number[], number[]];

const SENTIMENT_SLOT: Readonly<Record<SentimentLabel, 0 | 1 | 2>> = { positive: 0, negative: 1, neutral: 2 };
const slotOf = (sentiment: SentimentLabel | null): 0 | 1 | 2 | 3 => (sentiment === null ? 3 : SENTIMENT_SLOT[sentiment]);

/**
 * Records of one source file as one JSON array of `RowTuple`s in key order: a batch crosses the
 * RPC as one string (structured-cloning 1,000 record objects cost more than writing them) and is
 * stored as it came, one segment. Every key lies in [first, last].
 */
export interface RowBatch {
  source: string;
  rows: string;
  count: number;
  first: number;
  last: number;
  times: Times;
}

/** Builds a batch row by row (the file handler's), so no array of record objects is kept. */
export class RowBatchBuilder {
  private rows: string[] = [];
  private chars = 1;
  private first = Infinity;
  private last = -Infinity;
  private times: Times = [[], [], [], []];
  readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  get count(): number {
    return this.rows.length;
  }

  /** The batch's JSON so far, in UTF-16 units. */
  get size(): number {
    return this.chars + 1;
  }

  /** Records come in ascending keys: a segment is read in the order it was written. */
  add(r: RecordInput): void {
    const key = r.sourceKey ?? r.sourceLine;
    if (!(key > this.last)) throw new RangeError('records must come in ascending keys');
    const row: RowTuple = [key, r.id, r.createdMs, r.sentiment, r.score, r.confidence, r.text, r.fields];
    if (key !== r.sourceLine) row.push(r.sourceLine);
    const json = JSON.stringify(row);
    this.rows.push(json);
    this.chars += json.length + 1;
    this.first = Math.min(this.first, key);
    this.last = key;
    this.times[slotOf(r.sentiment)].push(r.createdMs);
  }

  /** The batch so far, and a fresh start. */
  take(): RowBatch {
    for (const list of this.times) list.sort((a, b) => a - b);
    const batch = { source: this.source, rows: `[${this.rows.join(',')}]`, count: this.rows.length, first: this.first, last: this.last, times: this.times };
    this.rows = [];
    this.chars = 1;
    this.first = Infinity;
    this.last = -Infinity;
    this.times = [[], [], [], []];
    return batch;
  }
}

/**
 * Records in batches of ascending keys, one or more per source file (`append`'s). The same key
 * given twice keeps the later record, as a second write of it would.
 */
export function batchesOf(records: readonly RecordInput[]): RowBatch[] {
  const latest = new Map<string, RecordInput>();
  const keyOf = (r: RecordInput): number => r.sourceKey ?? r.sourceLine;
  for (const r of records) latest.set(`${keyOf(r)}\n${r.sourceFile}`, r);
  const ordered = [...latest.values()].sort((a, b) => (a.sourceFile === b.sourceFile ? keyOf(a) - keyOf(b) : a.sourceFile < b.sourceFile ? -1 : 1));
  const batches: RowBatch[] = [];
  let builder: RowBatchBuilder | null = null;
  for (const r of ordered) {
    if (builder && (builder.source !== r.sourceFile || builder.count >= BATCH_RECORDS || builder.size >= SEGMENT_MAX_CHARS)) batches.push(builder.take());
    if (!builder || builder.source !== r.sourceFile) builder = new RowBatchBuilder(r.sourceFile);
    builder.add(r);
  }
  if (builder && builder.count > 0) batches.push(builder.take());
  return batches;
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

/** A segment as the writes see it: keys in [first, last] of source `no`. */
interface SegmentRow {
  first: number;
  last_key: number;
  times: string;
  body: string;
}

/** Counts per tally key ('' for records with no sentiment) of a segment's times. */
function tallyOf(times: Times): Array<[string, number]> {
  return [
    ['positive', times[0].length],
    ['negative', times[1].length],
    ['neutral', times[2].length],
    ['', times[3].length],
  ];
}

/** Inserts one segment: `rows` in ascending keys, `times` what they hold. */
function insertSegment(sql: Sql, no: number, first: number, last: number, times: Times, rows: string): void {
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const list of times) {
    count += list.length;
    // Sorted: the ends are the list's least and greatest.
    if (list.length > 0) [min, max] = [Math.min(min, list[0] as number), Math.max(max, list[list.length - 1] as number)];
  }
  sql.run(
    `INSERT INTO segments (k, last_key, count, min_ms, max_ms, positive, negative, neutral, times, body)
     VALUES ((?1 << 40) | ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)`,
    no,
    first,
    last,
    count,
    min,
    max,
    times[0].length,
    times[1].length,
    times[2].length,
    JSON.stringify(times),
    rows,
  );
}

/** The records of `rows` whose key passes `keep`, as a segment's parts (null if none). */
function partOf(rows: RowTuple[], keep: (key: number) => boolean): { first: number; last: number; times: Times; rows: string } | null {
  const kept = rows.filter((r) => keep(r[0]));
  const first = kept[0];
  const last = kept[kept.length - 1];
  if (!first || !last) return null;
  const times: Times = [[], [], [], []];
  for (const r of kept) times[slotOf(r[3])].push(r[2]);
  for (const list of times) list.sort((a, b) => a - b);
  return { first: first[0], last: last[0], times, rows: JSON.stringify(kept) };
}

/**
 * Stores a batch as one segment, upserting by source and key: the keys of [first, last] that
 * earlier segments hold are replaced (a slice that runs again writes the same batch, which
 * replaces its segment whole; segments cut elsewhere keep their keys outside the batch). So a
 * record is stored once, and the tallies move by what was replaced and what was written.
 */
export function writeRows(sql: Sql, batch: RowBatch): void {
  if (batch.count === 0) return;
  if (!(batch.first >= 0 && batch.last <= MAX_KEY)) throw new RangeError('key out of range');
  if (batch.rows.length > ROW_MAX_CHARS) throw new RangeError('a segment over a row\'s 2 MB');
  const no = sourceNumber(sql, batch.source);
  const delta = new Map<string, number>();
  const count = (times: Times, sign: 1 | -1): void => {
    for (const [key, n] of tallyOf(times)) delta.set(key, (delta.get(key) ?? 0) + sign * n);
  };
  // Segments never overlap, so only the one starting last before `first` may reach into the batch.
  const replaced = sql.all<SegmentRow>(
    `SELECT * FROM (SELECT k & ${MAX_KEY_SQL} AS first, last_key, times, body FROM segments
                    WHERE k >= ?1 << 40 AND k < (?1 << 40) | ?2 ORDER BY k DESC LIMIT 1)
     WHERE last_key >= ?2
     UNION ALL
     SELECT k & ${MAX_KEY_SQL}, last_key, times, body FROM segments WHERE k BETWEEN (?1 << 40) | ?2 AND (?1 << 40) | ?3`,
    no,
    batch.first,
    batch.last,
  );
  for (const old of replaced) {
    count(JSON.parse(old.times) as Times, -1);
    sql.run('DELETE FROM segments WHERE k = (?1 << 40) | ?2', no, old.first);
    if (old.first >= batch.first && old.last_key <= batch.last) continue;
    // Cut elsewhere (a batch size that changed between runs): its records outside the batch stay.
    const rows = JSON.parse(old.body) as RowTuple[];
    for (const part of [partOf(rows, (key) => key < batch.first), partOf(rows, (key) => key > batch.last)]) {
      if (!part) continue;
      insertSegment(sql, no, part.first, part.last, part.times, part.rows);
      count(part.times, 1);
    }
  }
  insertSegment(sql, no, batch.first, batch.last, batch.times, batch.rows);
  count(batch.times, 1);
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

/** The first index of sorted `list` whose value is past `value` (`after`) or at least it. */
function bound(list: readonly number[], value: number, after: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const at = list[mid] as number;
    if (at < value || (after && at === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of a segment's records have `sentiment` (any when undefined) and createdMs in [startMs, endMs]. */
export function countMatching(times: Times, sentiment: SentimentLabel | undefined, startMs: number, endMs: number): number {
  let n = 0;
  for (const list of sentiment ? [times[SENTIMENT_SLOT[sentiment]]] : times) n += bound(list, endMs, true) - bound(list, startMs, false);
  return n;
}
