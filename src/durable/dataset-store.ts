import { DurableObject } from 'cloudflare:workers';
import type { SentimentLabel } from '../analysis/sentiment.ts';
import type { DatasetRecord, FieldValue, RecordInput } from '../core/dataset-record.ts';
import { datasetMarkerKey } from '../storage/file-keys.ts';
import { applyMigrations } from './migrations.ts';
import { batchesOf, countMatching, DATASET_MIGRATIONS, MAX_KEY, writeRows, type RowBatch, type RowTuple, type Sql, type Times } from './dataset-schema.ts';

export type { DatasetRecord, FieldValue, RecordInput, RowBatch };

export interface ReadQuery {
  sentiment?: SentimentLabel | undefined;
  /** Inclusive bounds on createdAt, ISO 8601. */
  start?: string | undefined;
  end?: string | undefined;
  /** The `nextKey` of the previous page. */
  afterKey?: string | undefined;
  limit: number;
  /**
   * Ends the page early once its records' text and fields reach this many bytes (UTF-16 units,
   * roughly): records may hold up to 1 MiB each, so a page of `limit` could be huge. At least one
   * record is always returned.
   */
  maxBytes?: number | undefined;
}

export type RecordFilter = Pick<ReadQuery, 'sentiment' | 'start' | 'end'>;

export interface RecordPage {
  records: DatasetRecord[];
  nextKey: string | null;
  /** Changes with every write to the dataset: a reader across several calls can tell it changed. */
  revision: string;
}

export interface ExportInfo {
  /** Records matching the filter. */
  matching: number;
  columns: string[];
  revision: string;
}

export interface DatasetSummary {
  recordCount: number;
  counts: Record<SentimentLabel | 'unanalyzed', number>;
  columns: string[];
  sources: { file: string; format: string; jobId: string; records: number; updatedAt: string }[];
  createdAt: string;
  updatedAt: string;
}

export type Owned<T> = { ok: true; value: T } | { ok: false; code: 'DATASET_NOT_FOUND' };

export const MAX_READ_LIMIT = 1000;

/** The last record a page returned, its source's number and key: opaque to callers. */
function encodeKey(no: number, key: number): string {
  return `${no}_${key}`;
}

/** What `encodeKey` writes: the records endpoint refuses any other cursor (400), never restarts. */
export const RECORD_CURSOR = /^\d{1,6}_\d{1,13}$/;

function decodeKey(cursor: string): { no: number; key: number } | null {
  const [no, key] = cursor.split('_').map(Number);
  return Number.isSafeInteger(no) && Number.isSafeInteger(key) ? { no: no as number, key: key as number } : null;
}

/** A filter as numbers: times are inclusive bounds in epoch milliseconds. */
interface Bounds {
  sentiment: SentimentLabel | undefined;
  startMs: number;
  endMs: number;
  /** Whether either time bound is set. */
  ranged: boolean;
}

function boundsOf(filter: RecordFilter): Bounds {
  const start = filter.start === undefined ? NaN : Date.parse(filter.start);
  const end = filter.end === undefined ? NaN : Date.parse(filter.end);
  return {
    sentiment: filter.sentiment,
    startMs: Number.isNaN(start) ? -Infinity : start,
    endMs: Number.isNaN(end) ? Infinity : end,
    ranged: !Number.isNaN(start) || !Number.isNaN(end),
  };
}

/** Each segment's count column per sentiment (the labels are the names; never from input). */
const COUNT_COLUMN: Readonly<Record<SentimentLabel, string>> = { positive: 'positive', negative: 'negative', neutral: 'neutral' };

/** The segments that may hold a match: some of the sentiment, and a time range that meets the bounds. */
function segmentClauses(b: Bounds): { clauses: string[]; params: SqlStorageValue[] } {
  const clauses: string[] = [];
  const params: SqlStorageValue[] = [];
  if (b.sentiment) clauses.push(`${COUNT_COLUMN[b.sentiment]} > 0`);
  if (b.startMs > -Infinity) {
    clauses.push('max_ms >= ?');
    params.push(b.startMs);
  }
  if (b.endMs < Infinity) {
    clauses.push('min_ms <= ?');
    params.push(b.endMs);
  }
  return { clauses, params };
}

const whereOf = (clauses: readonly string[]): string => (clauses.length ? `WHERE ${clauses.join(' AND ')}` : '');

const matches = (row: RowTuple, b: Bounds): boolean =>
  (b.sentiment === undefined || row[3] === b.sentiment) && row[2] >= b.startMs && row[2] <= b.endMs;

function toRecord(no: number, row: RowTuple, files: ReadonlyMap<number, string>): DatasetRecord {
  const [key, id, createdMs, sentiment, score, confidence, text, fields, line = key] = row;
  return { id, text, sentiment, score, confidence, createdAt: new Date(createdMs).toISOString(), source: { file: files.get(no) ?? '', line }, fields };
}

interface SegmentRead extends Record<string, SqlStorageValue> {
  no: number;
  first: number;
  times: string;
}

const NOT_FOUND = { ok: false, code: 'DATASET_NOT_FOUND' } as const;

/**
 * One per dataset, named `{tenant}:{datasetId}` (see `datasetStoreFor`), so a tenant can only
 * ever address its own. The owner is recorded too, and every call checks it: a dataset
 * answers as missing to anyone else, and before its first write.
 */
export class DatasetStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** The writes' view of this object's SQLite (shared with bench:data's floor on node:sqlite). */
  private readonly writer: Sql;
  private decoded: { key: string; rows: RowTuple[] } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.writer = {
      run: (query, ...params) => void this.sql.exec(query, ...params),
      all: <T>(query: string, ...params: (string | number | null)[]) => this.sql.exec(query, ...params).toArray() as T[],
    };
    void ctx.blockConcurrencyWhile(async () => {
      applyMigrations(this.sql, DATASET_MIGRATIONS);
    });
  }

  /** A job starts writing: records the owner on first use and the job as an active writer. */
  attach(tenant: string, jobId: string, source: { file: string; format: string }): Owned<null> {
    const owner = this.meta('owner');
    if (owner !== null && owner !== tenant) return NOT_FOUND;
    const now = Date.now();
    if (owner === null) {
      this.setMeta('owner', tenant);
      this.setMeta('created_ms', String(now));
    }
    this.touch(now);
    this.sql.exec('INSERT OR IGNORE INTO writers (job_id, since_ms) VALUES (?, ?)', jobId, now);
    this.sql.exec(
      `INSERT INTO sources (file, format, job_id, updated_ms, no) VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(no), 0) + 1 FROM sources))
       ON CONFLICT (file) DO UPDATE SET format = excluded.format, job_id = excluded.job_id, updated_ms = excluded.updated_ms`,
      source.file,
      source.format,
      jobId,
      now,
    );
    return { ok: true, value: null };
  }

  /** Upserts by source file and line: a slice that runs again rewrites the same rows instead of adding copies. */
  append(tenant: string, jobId: string, records: RecordInput[], columns: string[]): Owned<{ written: number }> {
    return this.appendRows(tenant, jobId, batchesOf(records), columns);
  }

  /** `append` for batches a job encoded as it parsed (see `RowBatch`): what the file handler calls. */
  appendRows(tenant: string, jobId: string, batches: RowBatch[], columns: string[]): Owned<{ written: number }> {
    if (!this.owns(tenant)) return NOT_FOUND;
    for (const batch of batches) writeRows(this.writer, batch);
    this.sql.exec('INSERT OR IGNORE INTO columns (name) SELECT value FROM json_each(?)', JSON.stringify(columns));
    const now = Date.now();
    this.touch(now);
    this.sql.exec('UPDATE sources SET updated_ms = ? WHERE job_id = ?', now, jobId);
    return { ok: true, value: { written: batches.reduce((n, b) => n + b.count, 0) } };
  }

  /** The job is done writing (a failed job is not detached: its status tells it is no writer). */
  detach(tenant: string, jobId: string): Owned<null> {
    if (!this.owns(tenant)) return NOT_FOUND;
    this.sql.exec('DELETE FROM writers WHERE job_id = ?', jobId);
    return { ok: true, value: null };
  }

  /** Jobs that attached and did not detach; the caller asks the coordinator which still run. */
  writers(tenant: string): Owned<string[]> {
    if (!this.owns(tenant)) return NOT_FOUND;
    return { ok: true, value: this.sql.exec<{ job_id: string }>('SELECT job_id FROM writers').toArray().map((r) => r.job_id) };
  }

  summary(tenant: string): Owned<DatasetSummary> {
    if (!this.owns(tenant)) return NOT_FOUND;
    // The tallies the writes keep: no record is counted here.
    const perSource = new Map<number, number>();
    const counts: DatasetSummary['counts'] = { positive: 0, negative: 0, neutral: 0, unanalyzed: 0 };
    for (const row of this.sql.exec<{ source_no: number; sentiment: string; n: number }>('SELECT source_no, sentiment, n FROM tallies')) {
      perSource.set(row.source_no, (perSource.get(row.source_no) ?? 0) + row.n);
      counts[row.sentiment === '' ? 'unanalyzed' : (row.sentiment as SentimentLabel)] += row.n;
    }
    const recordCount = [...perSource.values()].reduce((sum, n) => sum + n, 0);
    const sources = this.sql
      .exec<{ file: string; format: string; job_id: string; updated_ms: number; no: number }>('SELECT * FROM sources ORDER BY file')
      .toArray()
      .map((s) => ({ file: s.file, format: s.format, jobId: s.job_id, records: perSource.get(s.no) ?? 0, updatedAt: new Date(s.updated_ms).toISOString() }));
    return {
      ok: true,
      value: {
        recordCount,
        counts,
        columns: this.columnNames(),
        sources,
        createdAt: new Date(Number(this.meta('created_ms'))).toISOString(),
        updatedAt: new Date(Number(this.meta('updated_ms'))).toISOString(),
      },
    };
  }

  /**
   * Records in file order, (source, key), from after `afterKey`: the reader for exports and the
   * records endpoint. A page reads segments from the one holding the cursor's record on, skips
   * those that cannot match by their counts and time range, and decodes the rest.
   */
  readRecords(tenant: string, query: ReadQuery): Owned<RecordPage> {
    if (!this.owns(tenant)) return NOT_FOUND;
    const b = boundsOf(query);
    const { clauses, params } = segmentClauses(b);
    const after = query.afterKey ? decodeKey(query.afterKey) : null;
    if (after) {
      clauses.push('k >= (SELECT COALESCE(MAX(k), 0) FROM segments WHERE k <= (? << 40) | ?)');
      params.push(after.no, after.key);
    }
    const limit = Math.max(1, Math.min(MAX_READ_LIMIT, Math.floor(query.limit)));
    const maxBytes = query.maxBytes ?? Infinity;
    const revision = this.revision();
    const files = new Map(this.sql.exec<{ no: number; file: string }>('SELECT no, file FROM sources').toArray().map((s) => [s.no, s.file]));
    const segments = this.sql.exec<SegmentRead>(
      `SELECT k >> 40 AS no, k & ${MAX_KEY} AS first, times FROM segments ${whereOf(clauses)} ORDER BY k`,
      ...params,
    );
    const records: DatasetRecord[] = [];
    let bytes = 0;
    let last: { no: number; key: number } | null = null;
    // Segments are read one at a time, each one's records only when it may hold a match.
    for (const segment of segments) {
      if (b.ranged && countMatching(JSON.parse(segment.times) as Times, b.sentiment, b.startMs, b.endMs) === 0) continue;
      for (const row of this.rowsOf(segment, revision)) {
        if (after && (segment.no < after.no || (segment.no === after.no && row[0] <= after.key))) continue;
        if (!matches(row, b)) continue;
        if (records.length >= limit || bytes >= maxBytes) {
          return { ok: true, value: { records, nextKey: last && encodeKey(last.no, last.key), revision } };
        }
        const record = toRecord(segment.no, row, files);
        records.push(record);
        bytes += record.text.length + JSON.stringify(record.fields).length;
        last = { no: segment.no, key: row[0] };
      }
    }
    return { ok: true, value: { records, nextKey: null, revision } };
  }

  /** What an export needs before its first page: how many records match, the columns, the revision. */
  exportInfo(tenant: string, filter: RecordFilter): Owned<ExportInfo> {
    if (!this.owns(tenant)) return NOT_FOUND;
    const b = boundsOf(filter);
    const { clauses, params } = segmentClauses(b);
    const counted = b.sentiment ? COUNT_COLUMN[b.sentiment] : 'count';
    let matching = 0;
    // A segment inside the time range counts whole; one across an edge counts by its times.
    for (const segment of this.sql.exec<{ n: number; times: string | null }>(
      `SELECT ${counted} AS n, CASE WHEN min_ms >= ? AND max_ms <= ? THEN NULL ELSE times END AS times FROM segments ${whereOf(clauses)}`,
      b.startMs === -Infinity ? Number.MIN_SAFE_INTEGER : b.startMs,
      b.endMs === Infinity ? Number.MAX_SAFE_INTEGER : b.endMs,
      ...params,
    )) {
      matching += segment.times === null ? segment.n : countMatching(JSON.parse(segment.times) as Times, b.sentiment, b.startMs, b.endMs);
    }
    return { ok: true, value: { matching, columns: this.columnNames(), revision: this.revision() } };
  }

  /** Deletes every record and the owner: the object is as if never used. */
  async destroy(tenant: string): Promise<Owned<{ deletedRecords: number }>> {
    if (!this.owns(tenant)) return NOT_FOUND;
    const deletedRecords = this.sql.exec<{ n: number | null }>('SELECT SUM(n) AS n FROM tallies').one().n ?? 0;
    await this.ctx.storage.deleteAll();
    applyMigrations(this.sql, DATASET_MIGRATIONS);
    return { ok: true, value: { deletedRecords } };
  }

  /** A segment's records; the last one decoded is kept, as consecutive pages often read it again. */
  private rowsOf(segment: SegmentRead, revision: string): RowTuple[] {
    const key = `${revision}:${segment.no}:${segment.first}`;
    if (this.decoded?.key !== key) {
      const { body } = this.sql.exec<{ body: string }>('SELECT body FROM segments WHERE k = (? << 40) | ?', segment.no, segment.first).one();
      this.decoded = { key, rows: JSON.parse(body) as RowTuple[] };
    }
    return this.decoded.rows;
  }

  private columnNames(): string[] {
    return this.sql.exec<{ name: string }>('SELECT name FROM columns ORDER BY name').toArray().map((r) => r.name);
  }

  /** A fresh random value per write (a timestamp could repeat within a millisecond, or after a re-create). */
  private revision(): string {
    return this.meta('revision') ?? '';
  }

  private touch(now: number): void {
    this.setMeta('updated_ms', String(now));
    this.setMeta('revision', crypto.randomUUID());
  }

  private owns(tenant: string): boolean {
    return this.meta('owner') === tenant;
  }

  private meta(key: string): string | null {
    return this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }
}

export function datasetStoreFor(env: Env, tenant: string, datasetId: string): DurableObjectStub<DatasetStore> {
  return env.DATASET_STORE.get(env.DATASET_STORE.idFromName(`${tenant}:${datasetId}`));
}

/**
 * A job opens a dataset for writing: the R2 marker first (the tenant's listing of datasets),
 * then the store records owner and writer. Both steps are idempotent, so a retried slice may
 * call this again.
 */
export async function attachDataset(
  env: Env,
  tenant: string,
  datasetId: string,
  jobId: string,
  source: { file: string; format: string },
): Promise<DurableObjectStub<DatasetStore>> {
  await env.BLOBS.put(datasetMarkerKey(tenant, datasetId), '');
  const store = datasetStoreFor(env, tenant, datasetId);
  const attached = await store.attach(tenant, jobId, source);
  if (!attached.ok) throw new Error('dataset store refused its own tenant');
  return store;
}
