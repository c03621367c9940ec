/** Named reads of the jobs table: one job, a filtered page, counts, the next job to start. */
import type { JobRecord, JobSummaryRecord } from '../../core/job-record.ts';
import { PENDING_STATES, publicStatus, statesOf, type JobState } from '../../core/job-states.ts';
import { JOB_PRIORITIES, JOB_TYPES, priorityFromRank, priorityRank, type JobPriority, type JobStatus, type JobType } from '../../core/job-types.ts';
import type { BulkCancelFilter, ListFilter } from './contract.ts';
import { LIST_BUCKET_SEQS } from '../migrations.ts';
import { countMatching } from './job-counts.ts';

export interface JobRow extends Record<string, SqlStorageValue> {
  id: string;
  type: string;
  priority_rank: number;
  state: JobState;
  attempt: number;
  max_attempts: number;
  lease_token: string | null;
  claimed: number;
  lease_until_ms: number | null;
  not_before_ms: number;
  cancel_requested: number;
  total_items: number;
  processed_items: number;
  failed_items: number;
  speed: number | null;
  checkpoint: string | null;
  estimated_ms: number;
  estimated_memory: number;
  error: string | null;
  result: string | null;
  created_ms: number;
  started_ms: number | null;
  run_started_ms: number | null;
  last_progress_ms: number | null;
  finished_ms: number | null;
  event_seq: number;
  scheduled_ms: number | null;
  retry_of: string | null;
  retried_by: string | null;
  callback_url: string | null;
  /** The input's JSON when kept inline; null when it is in R2. */
  input: string | null;
  /** 0 while an admitted job waits for the Worker to write its input to R2. */
  input_ready: number;
}

/** The pending states as an SQL list, for `state IN ${PENDING_SQL}`. */
export const PENDING_SQL = `(${PENDING_STATES.map((s) => `'${s}'`).join(', ')})`;

export function isPendingState(state: JobState): boolean {
  return PENDING_STATES.includes(state);
}

const SUMMARY_COLUMNS = 'id, type, priority_rank, state, total_items, processed_items, failed_items, created_ms, started_ms, finished_ms';
type SummaryRow = Pick<JobRow, 'id' | 'type' | 'priority_rank' | 'state' | 'total_items' | 'processed_items' | 'failed_items' | 'created_ms' | 'started_ms' | 'finished_ms'>;

function toSummary(row: SummaryRow): JobSummaryRecord {
  return {
    id: row.id,
    type: row.type as JobType,
    priority: priorityFromRank(row.priority_rank),
    status: publicStatus(row.state),
    totalItems: row.total_items,
    processedItems: row.processed_items,
    failedItems: row.failed_items,
    createdMs: row.created_ms,
    startedMs: row.started_ms,
    finishedMs: row.finished_ms,
  };
}

export function toRecord(row: JobRow): JobRecord {
  return {
    ...toSummary(row),
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    cancelRequested: row.cancel_requested === 1,
    speed: row.speed,
    estimatedMs: row.estimated_ms,
    estimatedMemoryBytes: row.estimated_memory,
    runStartedMs: row.run_started_ms,
    lastProgressMs: row.last_progress_ms,
    notBeforeMs: row.not_before_ms,
    errorJson: row.error,
    resultJson: row.result,
    scheduledMs: row.scheduled_ms,
    retryOf: row.retry_of,
    retriedBy: row.retried_by,
    callbackUrl: row.callback_url,
    waitingFor: [],
  };
}

export function jobRow(sql: SqlStorage, id: string): JobRow | null {
  return sql.exec<JobRow>('SELECT * FROM jobs WHERE id = ?', id).toArray()[0] ?? null;
}

/** A job as it crosses RPC, with the dependencies a pending job still waits for. */
export function jobRecord(sql: SqlStorage, row: JobRow): JobRecord {
  const job = toRecord(row);
  if (isPendingState(row.state)) job.waitingFor = unmetDependencies(sql, row.id);
  return job;
}

export function getJob(sql: SqlStorage, id: string): JobRecord | null {
  const row = jobRow(sql, id);
  return row ? jobRecord(sql, row) : null;
}

export function mustGetJob(sql: SqlStorage, id: string): JobRecord {
  const job = getJob(sql, id);
  if (!job) throw new Error(`job ${id} vanished`);
  return job;
}

/** The row only while `token` holds its claimed lease: every lease-holding call starts here. */
export function leasedJob(sql: SqlStorage, id: string, token: string): JobRow | null {
  const row = jobRow(sql, id);
  if (!row || row.state !== 'running' || row.claimed !== 1 || row.lease_token !== token) return null;
  return row;
}

/** The conditions of a status/type/priority filter, shared by listing and bulk cancel. */
function filterClauses(filter: { status?: JobStatus | undefined; type?: JobType | undefined; priority?: JobPriority | undefined }): {
  clauses: string[];
  params: SqlStorageValue[];
} {
  const clauses: string[] = [];
  const params: SqlStorageValue[] = [];
  if (filter.status) {
    clauses.push('status = ?');
    params.push(filter.status);
  }
  if (filter.type) {
    clauses.push('type = ?');
    params.push(filter.type);
  }
  if (filter.priority) {
    clauses.push('priority_rank = ?');
    params.push(priorityRank(filter.priority));
  }
  return { clauses, params };
}

function whereFilter(filter: Parameters<typeof filterClauses>[0]): { where: string; params: SqlStorageValue[] } {
  const { clauses, params } = filterClauses(filter);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * The seqs a page lies between, from the bucket counts (migration 9): `[fromSeq, beforeSeq)` holds
 * the page's jobs after the first `skip` matches, and fewer than `skip + limit + LIST_BUCKET_SEQS`
 * matches in all, so a deep page reads a few count rows instead of stepping over every job before
 * it. Null when the page is past the end.
 */
function pageRange(sql: SqlStorage, filter: ListFilter): { fromSeq: number; beforeSeq: number; skip: number } | null {
  const { where, params } = whereFilter(filter);
  let newer = 0;
  let start: { beforeSeq: number; skip: number } | null = null;
  for (const row of sql.exec<{ bucket: number; n: number }>(`SELECT bucket, SUM(n) AS n FROM list_buckets ${where} GROUP BY bucket ORDER BY bucket DESC`, ...params)) {
    if (!start && newer + row.n > filter.offset) start = { beforeSeq: (row.bucket + 1) * LIST_BUCKET_SEQS, skip: filter.offset - newer };
    newer += row.n;
    if (start && newer >= filter.offset + filter.limit) return { ...start, fromSeq: row.bucket * LIST_BUCKET_SEQS };
  }
  return start ? { ...start, fromSeq: 0 } : null;
}

/**
 * The filter as the list indexes can seek it. Every shape with a status reads the one index that
 * holds status (status × type × priority; named, or the planner may look up every row), once per
 * value of the columns the filter leaves out, within the page's seq range, so the sort that
 * merges those reads stays small.
 */
function seekableFilter(filter: ListFilter): { index: string; clauses: string[]; params: SqlStorageValue[] } {
  if (!filter.status) return { index: '', ...filterClauses(filter) };
  const types: readonly string[] = filter.type ? [filter.type] : JOB_TYPES;
  const ranks = filter.priority ? [priorityRank(filter.priority)] : JOB_PRIORITIES.map((_, rank) => rank);
  return {
    index: 'INDEXED BY jobs_by_status_type_priority',
    clauses: ['status = ?', `type IN (${types.map(() => '?').join(', ')})`, `priority_rank IN (${ranks.map(() => '?').join(', ')})`],
    params: [filter.status, ...types, ...ranks],
  };
}

/**
 * Newest first, for GET /jobs: the total from the kept counts, the page's seq range from the
 * bucket counts, its positions from the index of that filter shape within the range, then only
 * the columns its summary shows.
 */
export function listJobs(sql: SqlStorage, filter: ListFilter): { jobs: JobSummaryRecord[]; total: number } {
  const total = countMatching(sql, {
    ...(filter.status ? { states: statesOf(filter.status) } : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.priority ? { priorityRank: priorityRank(filter.priority) } : {}),
  });
  const range = filter.offset < total ? pageRange(sql, filter) : null;
  if (!range) return { jobs: [], total };
  const { index, clauses, params } = seekableFilter(filter);
  const rows = sql
    .exec<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM jobs
       WHERE seq IN (SELECT seq FROM jobs ${index} WHERE ${[...clauses, 'seq >= ?', 'seq < ?'].join(' AND ')} ORDER BY seq DESC LIMIT ? OFFSET ?)
       ORDER BY seq DESC`,
      ...params,
      range.fromSeq,
      range.beforeSeq,
      filter.limit,
      range.skip,
    )
    .toArray();
  return { jobs: rows.map(toSummary), total };
}

/** Ids matching a filter, oldest first, for bulk cancel. */
export function matchingIds(sql: SqlStorage, filter: Parameters<typeof whereFilter>[0]): string[] {
  const { where, params } = whereFilter(filter);
  return sql
    .exec<{ id: string }>(`SELECT id FROM jobs ${where} ORDER BY seq`, ...params)
    .toArray()
    .map((r) => r.id);
}

/** What a bulk cancel acts on: the filter's matches (only those among `filter.ids` when given) and how many of those ids are unknown. */
export function bulkCancelTargets(sql: SqlStorage, filter: BulkCancelFilter): { ids: string[]; notFound: number } {
  const ids = matchingIds(sql, filter);
  if (!filter.ids) return { ids, notFound: 0 };
  const matching = new Set(ids);
  return { ids: filter.ids.filter((id) => matching.has(id)), notFound: filter.ids.filter((id) => !jobRow(sql, id)).length };
}

export function countRunning(sql: SqlStorage): number {
  return countMatching(sql, { states: ['running'] });
}

/** Jobs admitted and not yet ended: what MAX_QUEUE_SIZE bounds. */
export function countQueued(sql: SqlStorage): number {
  return countMatching(sql, { states: [...PENDING_STATES, 'running'] });
}

export function unmetDependencies(sql: SqlStorage, id: string): string[] {
  return sql
    .exec<{ id: string }>(
      `SELECT d.depends_on AS id FROM job_deps d JOIN jobs j ON j.id = d.depends_on
       WHERE d.job_id = ? AND j.state != 'completed' ORDER BY d.depends_on`,
      id,
    )
    .toArray()
    .map((r) => r.id);
}

/**
 * The next job to start: highest priority, then oldest, among those whose input is stored. Read in
 * the order of the ready index: left to itself, the planner took the state index and sorted every
 * ready job on each call (0.4 ms with 1,000 queued, 5 ms with 20,000), so a drain cost grew with its backlog.
 */
export function nextReadyJob(sql: SqlStorage): { id: string; attempt: number } | null {
  return (
    sql
      .exec<{ id: string; attempt: number }>(
        "SELECT id, attempt FROM jobs INDEXED BY jobs_ready WHERE state = 'ready' AND input_ready = 1 ORDER BY priority_rank, seq LIMIT 1",
      )
      .toArray()[0] ?? null
  );
}

/** How long an admitted job waits for the Worker to write its big input to R2 before it fails. */
export const INPUT_WAIT_MS = 60_000;

/** Admitted jobs whose input the Worker never confirmed writing (it stopped in between). */
export function inputlessJobs(sql: SqlStorage, now: number): JobRow[] {
  // Only the partial index is read (an ended job never waits for input: moveToFinished), so this costs nothing per kept job.
  return sql.exec<JobRow>('SELECT * FROM jobs WHERE input_ready = 0 AND created_ms <= ?', now - INPUT_WAIT_MS).toArray();
}

/** Running jobs whose lease ran out: their worker stopped reporting. */
export function lapsedLeases(sql: SqlStorage, now: number): JobRow[] {
  return sql.exec<JobRow>("SELECT * FROM jobs WHERE state = 'running' AND lease_until_ms <= ?", now).toArray();
}

/** Pending jobs that wait on `id`: they can never start if it fails or is cancelled. */
export function pendingDependents(sql: SqlStorage, id: string): { id: string; attempt: number }[] {
  return sql
    .exec<{ id: string; attempt: number }>(
      `SELECT j.id, j.attempt FROM job_deps d JOIN jobs j ON j.id = d.job_id WHERE d.depends_on = ? AND j.state IN ${PENDING_SQL}`,
      id,
    )
    .toArray();
}
