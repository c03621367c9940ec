import { DurableObject } from 'cloudflare:workers';
import type { SentimentLabel } from '../analysis/sentiment.ts';
import type { DatasetRecord, FieldValue, RecordInput } from '../core/dataset-record.ts';
import { datasetMarkerKey } from '../storage/file-keys.ts';
import { applyMigrations } from './migrations.ts';
import { batchesOf, DATASET_MIGRATIONS, writeRows, type RowBatch, type RowTuple, type Sql } from './dataset-schema.ts';

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

interface RecordRow extends Record<string, SqlStorageValue> {
  no: number;
  body: string;
}

/** `created_ms` and id, in the order the indexes sort: opaque to callers. */
function encodeKey(createdMs: number, id: string): string {
  return `${createdMs}_${id}`;
}

/** What `encodeKey` writes: the records endpoint refuses any other cursor (400), never restarts. */
export const RECORD_CURSOR = /^\d{1,15}_[\x21-\x7e]{1,256}$/;

function decodeKey(key: string): { createdMs: number; id: string } | null {
  const cut = key.indexOf('_');
  const createdMs = Number(key.slice(0, cut));
  if (cut < 1 || !Number.isSafeInteger(createdMs)) return null;
  return { createdMs, id: key.slice(cut + 1) };
}

/** The WHERE clause for a filter: every bound is a range on the indexes' leading columns. */
function filterClauses(filter: RecordFilter): { clauses: string[]; params: SqlStorageValue[] } {
  const clauses: string[] = [];
  const params: SqlStorageValue[] = [];
  if (filter.sentiment) {
    clauses.push('sentiment = ?');
    params.push(filter.sentiment);
  }
  const start = filter.start === undefined ? NaN : Date.parse(filter.start);
  if (!Number.isNaN(start)) {
    clauses.push('created_ms >= ?');
    params.push(start);
  }
  const end = filter.end === undefined ? NaN : Date.parse(filter.end);
  if (!Number.isNaN(end)) {
    clauses.push('created_ms <= ?');
    params.push(end);
  }
  return { clauses, params };
}

const whereOf = (clauses: readonly string[]): string => (clauses.length ? `WHERE ${clauses.join(' AND ')}` : '');

function toRecord(row: RecordRow, files: ReadonlyMap<number, string>): DatasetRecord {
  const [line, id, createdMs, sentiment, score, confidence, text, fields] = JSON.parse(row.body) as RowTuple;
  return { id, text, sentiment, score, confidence, createdAt: new Date(createdMs).toISOString(), source: { file: files.get(row.no) ?? '', line }, fields };
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
   * Records in (createdAt, id) order from after `afterKey`: the reader for exports and the
   * records endpoint. Keyset pagination keeps every page an index range scan however deep.
   */
  readRecords(tenant: string, query: ReadQuery): Owned<RecordPage> {
    if (!this.owns(tenant)) return NOT_FOUND;
    const { clauses, params } = filterClauses(query);
    const after = query.afterKey ? decodeKey(query.afterKey) : null;
    if (after) {
      clauses.push('(created_ms, id) > (?, ?)');
      params.push(after.createdMs, after.id);
    }
    const limit = Math.max(1, Math.min(MAX_READ_LIMIT, Math.floor(query.limit)));
    const maxBytes = query.maxBytes ?? Infinity;
    const cursor = this.sql.exec<RecordRow>(
      `SELECT k >> 40 AS no, body FROM record_rows ${whereOf(clauses)} ORDER BY created_ms, id LIMIT ?`,
      ...params,
      limit + 1,
    );
    // Rows are read one at a time, so a page cut short by maxBytes never loads the rest.
    const page: RecordRow[] = [];
    let bytes = 0;
    let next = cursor.next();
    while (!next.done && page.length < limit && bytes < maxBytes) {
      page.push(next.value);
      bytes += next.value.body.length;
      next = cursor.next();
    }
    const files = new Map(this.sql.exec<{ no: number; file: string }>('SELECT no, file FROM sources').toArray().map((s) => [s.no, s.file]));
    const records = page.map((row) => toRecord(row, files));
    const last = records[records.length - 1];
    return {
      ok: true,
      value: {
        records,
        nextKey: !next.done && last ? encodeKey(Date.parse(last.createdAt), last.id) : null,
        revision: this.revision(),
      },
    };
  }

  /** What an export needs before its first page: how many records match, the columns, the revision. */
  exportInfo(tenant: string, filter: RecordFilter): Owned<ExportInfo> {
    if (!this.owns(tenant)) return NOT_FOUND;
    const { clauses, params } = filterClauses(filter);
    const matching = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM record_rows ${whereOf(clauses)}`, ...params).one().n;
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
