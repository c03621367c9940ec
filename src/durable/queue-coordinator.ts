import { DurableObject } from 'cloudflare:workers';
import { decideAdmission, HOUR_MS, MINUTE_MS } from '../core/admission.ts';
import { retryDelayMs } from '../core/backoff.ts';
import { nextFiring, firingJobId } from '../core/cron.ts';
import { signatureHeader, tenantWebhookSecret } from '../core/webhooks.ts';
import { handlerFor, jobSize } from '../handlers/registry.ts';
import { jobInputKey } from '../storage/job-blobs.ts';
import type { JobErrorInfo, JobRecord, StoredResult } from '../core/job-record.ts';
import {
  JOB_PRIORITIES,
  JOB_STATUSES,
  JOB_TYPES,
  isTerminal,
  priorityFromRank,
  priorityRank,
  type JobPriority,
  type JobStatus,
  type JobType,
} from '../core/job-types.ts';
import { loadConfig, type Config } from '../config.ts';
import { deleteJobBlobs } from '../storage/job-blobs.ts';
import { presentJob, progressOf, ttlFor } from '../api/present.ts';
import { spreadOf, type Spread } from '../core/percentiles.ts';
import { fitsInline } from '../core/inline-payload.ts';
import {
  admissionWindow,
  averageRunMs,
  completedSince,
  countMatching,
  forgetAdmissions,
  forgetCompletions,
  jobCounts,
  recentTimings,
  recordAdmission,
} from './coordinator/job-counts.ts';
import { EventHub, type JobEvent } from './event-hub.ts';
import { applyMigrations } from './migrations.ts';

/** What the queue carries: ids and a token, never a payload. */
export interface WorkMessage {
  tenant: string;
  jobId: string;
  token: string;
  attempt: number;
}

export interface NewJob {
  id: string;
  type: JobType;
  priority: JobPriority;
  totalItems: number;
  estimatedMs: number;
  estimatedMemoryBytes: number;
  /** Not before this time (delayed job); null runs as soon as a slot is free. */
  runAtMs: number | null;
  /** Jobs of this tenant that must complete first. */
  dependsOn: string[];
  /** The failed or cancelled job this one re-runs. */
  retryOf: string | null;
  /** Told of the terminal state by a signed POST (checked by the Worker before it gets here). */
  callbackUrl: string | null;
  /**
   * The input's JSON when small enough to keep beside the job; null when it lives in R2. With
   * `awaitingInput`, the Worker writes it to R2 after admission and calls `inputStored`: until
   * then the job may not start.
   */
  input: string | null;
  awaitingInput: boolean;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** A recurring schedule: each firing creates an ordinary job from `job`. */
export interface NewSchedule {
  id: string;
  cron: string;
  timezone: string;
  job: { type: JobType; priority: JobPriority; dataJson: string };
}

export interface ScheduleRecord {
  id: string;
  cron: string;
  timezone: string;
  type: JobType;
  priority: JobPriority;
  nextRunMs: number | null;
  lastRunMs: number | null;
  createdMs: number;
  fired: number;
  refused: number;
}

export interface BulkCancelFilter {
  status?: JobStatus | undefined;
  type?: JobType | undefined;
  priority?: JobPriority | undefined;
  ids?: string[] | undefined;
}

export interface BulkCancelReport {
  matched: number;
  cancelled: number;
  cancelRequested: number;
  notCancellable: number;
  notFound: number;
}

/** Who asked, for the audit trail: a key id (never the key) and the request id. */
export interface Actor {
  actor: string;
  requestId: string | null;
}

export const SYSTEM: Actor = { actor: 'system', requestId: null };

export interface AuditEvent {
  seq: number;
  at: string;
  jobId: string | null;
  action: string;
  actor: string;
  requestId: string | null;
  outcome: string;
  detail: string | null;
}

export interface AuditQuery {
  sinceMs: number;
  afterSeq: number;
  limit: number;
}

export interface IdempotencyClaim {
  key: string;
  bodyHash: string;
}

export type EnqueueResult =
  | { ok: true; job: JobRecord; replayed: boolean }
  | { ok: false; code: 'IDEMPOTENCY_CONFLICT'; jobId: string }
  | { ok: false; code: 'INVALID_REFERENCE'; errors: FieldProblem[] }
  | { ok: false; code: 'QUEUE_FULL'; limit: number; retryAfterSec: number }
  | { ok: false; code: 'RATE_LIMITED'; limit: number; window: 'minute' | 'hour'; retryAfterSec: number };

export interface ListFilter {
  status?: JobStatus | undefined;
  type?: JobType | undefined;
  priority?: JobPriority | undefined;
  limit: number;
  offset: number;
}

export type CancelResult =
  | { ok: true; job: JobRecord }
  | { ok: false; code: 'JOB_NOT_FOUND' }
  | { ok: false; code: 'JOB_NOT_CANCELLABLE'; currentStatus: JobStatus };

export type WaitResult = { ok: true; job: JobRecord; terminal: boolean } | { ok: false; code: 'JOB_NOT_FOUND' };

/** A lease-holding call that no longer holds the lease: an old attempt, a duplicate, a finished job. */
export type Stale = { ok: false; code: 'STALE' };
/** The job was cancelled at this checkpoint: stop, record nothing more. */
export type Cancelled = { ok: false; code: 'CANCELLED' };

/** A lease the worker holds; `input` is the job's JSON input when kept inline (else it is in R2). */
export interface Claimed {
  ok: true;
  token: string;
  job: JobRecord;
  checkpoint: string | null;
  input: string | null;
}

export type ClaimResult = Claimed | Stale;

export interface ProgressReport {
  processedItems: number;
  failedItems: number;
  checkpoint: string;
  /** Hand the rest to a new queue message: this invocation's budget is spent. */
  yield: boolean;
}

export type CheckpointResult = { ok: true } | Stale | Cancelled;

export interface Completion {
  processedItems: number;
  failedItems: number;
  result: StoredResult;
}

export interface FailureReport {
  code: string;
  message: string;
  stage: string;
  retryable: boolean;
}

export type FinishResult = { ok: true; status: JobStatus } | Stale;

/** A completion that may hand the worker the tenant's next ready job, already claimed for it. */
export type CompleteResult = { ok: true; status: JobStatus; next: Claimed | null } | Stale;

/** Queue wait (created → started) and run time (started → finished) of recent completions of one type. */
export interface TypeTiming {
  jobs: number;
  queueWaitMs: Spread;
  runTimeMs: Spread;
}

export interface QueueStats {
  total: number;
  pending: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
  performance: {
    averageProcessingTime: number;
    throughput: string;
    throughputWindowMinutes: number;
    successRate: number;
    peakConcurrency: number;
  };
  byType: Record<string, { total: number; completed: number; failed: number; cancelled: number }>;
  byPriority: Record<string, number>;
  /** Over the latest completions (at most TIMING_SAMPLE) within the throughput window. */
  timing: { windowMinutes: number; sampled: number; byType: Record<string, TypeTiming> };
  paused: boolean;
}

export interface CleanupReport {
  deletedJobs: number;
  deletedObjects: number;
}

interface JobRow extends Record<string, SqlStorageValue> {
  id: string;
  type: string;
  priority_rank: number;
  state: string;
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
  input: string | null;
  input_ready: number;
}

const THROUGHPUT_WINDOW_MINUTES = 60;
/** Completions the timing percentiles are read from: bounded, so stats cost the same at any size. */
const TIMING_SAMPLE = 500;
const IDEMPOTENCY_TTL_MS = 24 * HOUR_MS;
const WEBHOOK_MAX_ATTEMPTS = 8;
/** Deadlines this close also get an in-memory timer (alarms may fire a second late); the alarm stays the durable backstop. */
const PRECISE_HORIZON_MS = 2_000;
const WEBHOOK_TIMEOUT_MS = 10_000;
/** A delivery in flight holds its row this long, so a concurrent alarm does not send it twice. */
const WEBHOOK_CLAIM_MS = 60_000;
const CLEANUP_BATCH = 50;
const INPUT_MISSING = { code: 'INPUT_MISSING', message: 'The job input is missing', stage: 'loading', retryable: false };

interface ScheduleRow extends Record<string, SqlStorageValue> {
  id: string;
  cron: string;
  timezone: string;
  job: string;
  next_ms: number | null;
  created_ms: number;
  last_fired_ms: number | null;
  fired: number;
  refused: number;
}

function toSchedule(row: ScheduleRow): ScheduleRecord {
  const job = JSON.parse(row.job) as { type: JobType; priority: JobPriority };
  return {
    id: row.id,
    cron: row.cron,
    timezone: row.timezone,
    type: job.type,
    priority: job.priority,
    nextRunMs: row.next_ms,
    lastRunMs: row.last_fired_ms,
    createdMs: row.created_ms,
    fired: row.fired,
    refused: row.refused,
  };
}

interface AuditRow extends Record<string, SqlStorageValue> {
  seq: number;
  ts_ms: number;
  job_id: string | null;
  action: string;
  actor: string;
  request_id: string | null;
  outcome: string;
  detail: string | null;
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: row.seq,
    at: new Date(row.ts_ms).toISOString(),
    jobId: row.job_id,
    action: row.action,
    actor: row.actor,
    requestId: row.request_id,
    outcome: row.outcome,
    detail: row.detail,
  };
}

/** The WHERE clause of a status/type/priority filter, shared by listing and bulk cancel. */
function whereFilter(filter: { status?: JobStatus | undefined; type?: JobType | undefined; priority?: JobPriority | undefined }): {
  where: string;
  params: SqlStorageValue[];
} {
  const clauses: string[] = [];
  const params: SqlStorageValue[] = [];
  if (filter.status) {
    clauses.push('state = ?');
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
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    type: row.type as JobType,
    priority: priorityFromRank(row.priority_rank),
    status: row.state as JobStatus,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    cancelRequested: row.cancel_requested === 1,
    totalItems: row.total_items,
    processedItems: row.processed_items,
    failedItems: row.failed_items,
    speed: row.speed,
    estimatedMs: row.estimated_ms,
    estimatedMemoryBytes: row.estimated_memory,
    createdMs: row.created_ms,
    startedMs: row.started_ms,
    runStartedMs: row.run_started_ms,
    lastProgressMs: row.last_progress_ms,
    finishedMs: row.finished_ms,
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

/**
 * One per tenant. SQLite here is the only source of truth for job state; queue messages are
 * nudges that carry a lease token, so every lease-holding call is checked against the row and
 * duplicates, stale attempts and zombies change nothing.
 */
export class QueueCoordinator extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly config: Config;
  private readonly waiters = new Map<string, Set<(job: JobRecord) => void>>();
  private readonly hub = new EventHub();
  private armedAlarmMs: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.config = loadConfig(env);
    void ctx.blockConcurrencyWhile(async () => {
      applyMigrations(this.sql);
      this.armedAlarmMs = await ctx.storage.getAlarm();
    });
  }

  // ---- client-facing calls -------------------------------------------------------------------

  enqueue(tenant: string, job: NewJob, who: Actor, idempotency: IdempotencyClaim | null): EnqueueResult {
    this.rememberTenant(tenant);
    const now = Date.now();
    if (idempotency) {
      const prior = this.sql
        .exec<{ body_hash: string; job_id: string }>(
          'SELECT body_hash, job_id FROM idempotency_keys WHERE key = ? AND created_ms > ?',
          idempotency.key,
          now - IDEMPOTENCY_TTL_MS,
        )
        .toArray()[0];
      if (prior && prior.body_hash !== idempotency.bodyHash) return { ok: false, code: 'IDEMPOTENCY_CONFLICT', jobId: prior.job_id };
      const original = prior ? this.getJob(prior.job_id) : null;
      if (original) return { ok: true, job: original, replayed: true };
    }
    const admitted = this.admit(job, who, now);
    if (!admitted.ok) return admitted;
    if (idempotency) {
      this.sql.exec(
        `INSERT INTO idempotency_keys (key, body_hash, job_id, created_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET body_hash = excluded.body_hash, job_id = excluded.job_id, created_ms = excluded.created_ms`,
        idempotency.key,
        idempotency.bodyHash,
        job.id,
        now,
      );
    }
    this.dispatch();
    return { ok: true, job: this.mustGet(job.id), replayed: false };
  }

  /** Admission limits, reference checks and the insert: one synchronous step, so nothing interleaves. */
  private admit(job: NewJob, who: Actor, now: number): { ok: true } | Extract<EnqueueResult, { ok: false }> {
    const decision = decideAdmission(
      {
        nowMs: now,
        queued: countMatching(this.sql, { states: ['pending', 'running'] }),
        lastMinute: admissionWindow(this.sql, now - MINUTE_MS, now),
        lastHour: admissionWindow(this.sql, now - HOUR_MS, now),
      },
      {
        maxQueueSize: this.config.maxQueueSize,
        maxPerMinute: this.config.maxJobsPerMinute,
        maxPerHour: this.config.maxJobsPerHour,
      },
    );
    if (!decision.ok) {
      this.audit(null, 'job.create', who, `refused:${decision.code}`, null);
      return decision;
    }
    const problems = this.referenceProblems(job);
    if (problems.length > 0) return { ok: false, code: 'INVALID_REFERENCE', errors: problems };
    recordAdmission(this.sql, now);
    this.sql.exec(
      `INSERT INTO jobs (id, type, priority_rank, state, max_attempts, total_items, estimated_ms,
                         estimated_memory, created_ms, not_before_ms, scheduled_ms, retry_of, callback_url,
                         input, input_ready)
       VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      job.id,
      job.type,
      priorityRank(job.priority),
      this.config.maxRetries + 1,
      job.totalItems,
      job.estimatedMs,
      job.estimatedMemoryBytes,
      now,
      job.runAtMs ?? 0,
      job.runAtMs !== null && job.runAtMs > now ? job.runAtMs : null,
      job.retryOf,
      job.callbackUrl,
      job.input,
      job.awaitingInput ? 0 : 1,
    );
    for (const dependency of job.dependsOn) {
      this.sql.exec('INSERT OR IGNORE INTO job_deps (job_id, depends_on) VALUES (?, ?)', job.id, dependency);
    }
    if (job.retryOf) this.sql.exec('UPDATE jobs SET retried_by = ? WHERE id = ?', job.id, job.retryOf);
    this.audit(job.id, 'job.create', who, 'created', `${job.type} ${job.priority}`);
    return { ok: true };
  }

  getJob(id: string): JobRecord | null {
    const row = this.row(id);
    return row ? this.record(row) : null;
  }

  /** The total from the kept counts; the page's positions from an index holding every filter column, then its rows. */
  listJobs(filter: ListFilter): { jobs: JobRecord[]; total: number } {
    const { where, params } = whereFilter(filter);
    const total = countMatching(this.sql, {
      ...(filter.status ? { states: [filter.status] } : {}),
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.priority ? { priorityRank: priorityRank(filter.priority) } : {}),
    });
    const rows = this.sql
      .exec<JobRow>(
        `SELECT * FROM jobs WHERE seq IN (SELECT seq FROM jobs ${where} ORDER BY seq DESC LIMIT ? OFFSET ?) ORDER BY seq DESC`,
        ...params,
        filter.limit,
        filter.offset,
      )
      .toArray();
    return { jobs: rows.map(toRecord), total };
  }

  /** A job's input when kept inline (null when it is in R2, or the job is unknown). */
  input(id: string): string | null {
    return this.sql.exec<{ input: string | null }>('SELECT input FROM jobs WHERE id = ?', id).toArray()[0]?.input ?? null;
  }

  /** The Worker wrote this admitted job's input to R2: it may start now. */
  inputStored(id: string): void {
    this.sql.exec('UPDATE jobs SET input_ready = 1 WHERE id = ?', id);
    this.dispatch();
  }

  cancel(id: string, who: Actor): CancelResult {
    const row = this.row(id);
    if (!row) return { ok: false, code: 'JOB_NOT_FOUND' };
    const status = row.state as JobStatus;
    if (isTerminal(status)) {
      this.audit(id, 'job.cancel', who, `refused:${status}`, null);
      return { ok: false, code: 'JOB_NOT_CANCELLABLE', currentStatus: status };
    }
    if (status === 'pending') {
      this.audit(id, 'job.cancel', who, 'cancelled', null);
      this.finish(id, 'cancelled', Date.now());
      this.dispatch();
    } else {
      // Running: the handler stops at its next checkpoint, which makes the transition.
      this.audit(id, 'job.cancel', who, 'requested', null);
      this.sql.exec('UPDATE jobs SET cancel_requested = 1 WHERE id = ?', id);
      this.publish(id);
    }
    return { ok: true, job: this.mustGet(id) };
  }

  /** Answers as soon as the job is terminal, or with its current state at the deadline. */
  wait(id: string, timeoutMs: number, who: Actor): Promise<WaitResult> {
    const job = this.getJob(id);
    if (!job) return Promise.resolve({ ok: false, code: 'JOB_NOT_FOUND' });
    if (isTerminal(job.status)) return Promise.resolve({ ok: true, job, terminal: true });
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const onTerminal = (finished: JobRecord): void => {
        clearTimeout(timer);
        resolve({ ok: true, job: finished, terminal: true });
      };
      const timer = setTimeout(() => {
        set.delete(onTerminal);
        if (set.size === 0) this.waiters.delete(id);
        const current = this.getJob(id);
        if (current && !isTerminal(current.status)) this.audit(id, 'job.wait', who, 'timeout', `${timeoutMs} ms`);
        resolve(current ? { ok: true, job: current, terminal: isTerminal(current.status) } : { ok: false, code: 'JOB_NOT_FOUND' });
      }, timeoutMs);
      set.add(onTerminal);
    });
  }

  /**
   * A live event stream for one job: the current state first (unless the client already saw it,
   * per Last-Event-ID), then every change, closing after the terminal event. Null if unknown.
   */
  events(id: string, lastEventId: number | null): ReadableStream<Uint8Array> | null {
    const row = this.row(id);
    if (!row) return null;
    const current = this.snapshot(row);
    // A terminal state is always sent, so the stream can close; a state already seen is not.
    const seen = lastEventId !== null && lastEventId >= current.id && !isTerminal(row.state as JobStatus);
    return this.hub.open(id, seen ? null : current);
  }

  /** Paused: nothing new starts, running jobs finish, admission goes on. */
  setPaused(tenant: string, paused: boolean, who: Actor): { paused: boolean } {
    this.rememberTenant(tenant);
    this.setMeta('paused', paused ? '1' : '0');
    this.audit(null, paused ? 'queue.pause' : 'queue.resume', who, 'ok', null);
    if (!paused) this.dispatch();
    return { paused };
  }

  createSchedule(tenant: string, schedule: NewSchedule, who: Actor): ScheduleRecord {
    this.rememberTenant(tenant);
    const now = Date.now();
    this.sql.exec(
      'INSERT INTO schedules (id, cron, timezone, job, next_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?)',
      schedule.id,
      schedule.cron,
      schedule.timezone,
      JSON.stringify({ type: schedule.job.type, priority: schedule.job.priority, data: JSON.parse(schedule.job.dataJson) as unknown }),
      nextFiring(schedule.cron, schedule.timezone, now),
      now,
    );
    this.audit(null, 'schedule.create', who, 'created', `${schedule.id} ${schedule.cron} ${schedule.timezone}`);
    this.rearm();
    return this.schedule(schedule.id) as ScheduleRecord;
  }

  schedule(id: string): ScheduleRecord | null {
    const row = this.sql.exec<ScheduleRow>('SELECT * FROM schedules WHERE id = ?', id).toArray()[0];
    return row ? toSchedule(row) : null;
  }

  listSchedules(): ScheduleRecord[] {
    return this.sql.exec<ScheduleRow>('SELECT * FROM schedules ORDER BY created_ms, id').toArray().map(toSchedule);
  }

  deleteSchedule(id: string, who: Actor): boolean {
    const gone = this.sql.exec('DELETE FROM schedules WHERE id = ?', id).rowsWritten > 0;
    if (gone) this.audit(null, 'schedule.delete', who, 'deleted', id);
    return gone;
  }

  cancelMany(filter: BulkCancelFilter, who: Actor): BulkCancelReport {
    const report: BulkCancelReport = { matched: 0, cancelled: 0, cancelRequested: 0, notCancellable: 0, notFound: 0 };
    const { where, params } = whereFilter(filter);
    let ids = this.sql
      .exec<{ id: string }>(`SELECT id FROM jobs ${where} ORDER BY seq`, ...params)
      .toArray()
      .map((r) => r.id);
    if (filter.ids) {
      const matching = new Set(ids);
      report.notFound = filter.ids.filter((id) => !this.row(id)).length;
      ids = filter.ids.filter((id) => matching.has(id));
    }
    for (const id of ids) {
      report.matched += 1;
      const outcome = this.cancel(id, who);
      if (!outcome.ok) report.notCancellable += 1;
      else if (outcome.job.status === 'cancelled') report.cancelled += 1;
      else report.cancelRequested += 1;
    }
    return report;
  }

  stats(): QueueStats {
    const now = Date.now();
    const byStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    const byType = Object.fromEntries(
      JOB_TYPES.map((t) => [t, { total: 0, completed: 0, failed: 0, cancelled: 0 }]),
    ) as QueueStats['byType'];
    const byPriority = Object.fromEntries(JOB_PRIORITIES.map((p) => [p, 0])) as Record<JobPriority, number>;
    let total = 0;
    for (const g of jobCounts(this.sql)) {
      const status = g.state as JobStatus;
      total += g.n;
      byStatus[status] += g.n;
      byPriority[priorityFromRank(g.priority_rank)] += g.n;
      const t = byType[g.type];
      if (t) {
        t.total += g.n;
        if (status === 'completed' || status === 'failed' || status === 'cancelled') t[status] += g.n;
      }
    }
    const windowStart = now - THROUGHPUT_WINDOW_MINUTES * MINUTE_MS;
    const recent = completedSince(this.sql, windowStart);
    const samples = recentTimings(this.sql, windowStart, TIMING_SAMPLE);
    const timing: Record<string, TypeTiming> = {};
    for (const type of new Set(samples.map((t) => t.type))) {
      const mine = samples.filter((t) => t.type === type);
      timing[type] = { jobs: mine.length, queueWaitMs: spreadOf(mine.map((t) => t.wait_ms)), runTimeMs: spreadOf(mine.map((t) => t.run_ms)) };
    }
    const ended = byStatus.completed + byStatus.failed;
    return {
      total,
      ...byStatus,
      performance: {
        averageProcessingTime: Math.round(averageRunMs(this.sql)),
        throughput: `${Math.round((recent / THROUGHPUT_WINDOW_MINUTES) * 100) / 100} jobs/minute`,
        throughputWindowMinutes: THROUGHPUT_WINDOW_MINUTES,
        successRate: ended === 0 ? 100 : Math.round((byStatus.completed / ended) * 1000) / 10,
        peakConcurrency: Number(this.meta('peak_concurrency') ?? 0),
      },
      byType,
      byPriority,
      timing: { windowMinutes: THROUGHPUT_WINDOW_MINUTES, sampled: samples.length, byType: timing },
      paused: this.meta('paused') === '1',
    };
  }

  /** One job's trail, oldest first; null when nothing is known of it (never existed, or expired). */
  history(jobId: string): AuditEvent[] | null {
    const rows = this.sql.exec<AuditRow>('SELECT * FROM audit WHERE job_id = ? ORDER BY seq', jobId).toArray();
    return rows.length ? rows.map(toAuditEvent) : null;
  }

  auditLog(query: AuditQuery): { events: AuditEvent[]; nextCursor: number | null } {
    const rows = this.sql
      .exec<AuditRow>('SELECT * FROM audit WHERE seq > ? AND ts_ms >= ? ORDER BY seq LIMIT ?', query.afterSeq, query.sinceMs, query.limit + 1)
      .toArray();
    const page = rows.slice(0, query.limit);
    return { events: page.map(toAuditEvent), nextCursor: rows.length > query.limit ? (page[page.length - 1]?.seq ?? null) : null };
  }

  /** Client actions outside the job lifecycle (file upload, dataset delete, download). */
  recordAudit(tenant: string, action: string, who: Actor, outcome: string, target: string | null): void {
    this.rememberTenant(tenant);
    this.audit(null, action, who, outcome, target);
  }

  // ---- consumer-facing calls (each checks the lease token) -----------------------------------

  /** Takes the lease a queue message offers; a second delivery of the same message is stale. */
  claim(jobId: string, token: string): ClaimResult {
    return this.take(jobId, token);
  }

  private take(jobId: string, token: string): ClaimResult {
    const row = this.row(jobId);
    if (!row || row.state !== 'running' || row.lease_token !== token || row.claimed === 1) {
      return { ok: false, code: 'STALE' };
    }
    const claimToken = crypto.randomUUID();
    const now = Date.now();
    // A job starts when a worker takes it, not when its message is sent.
    this.sql.exec(
      `UPDATE jobs SET lease_token = ?, claimed = 1, lease_until_ms = ?, started_ms = COALESCE(started_ms, ?),
                       run_started_ms = COALESCE(run_started_ms, ?)
       WHERE id = ?`,
      claimToken,
      now + this.config.leaseMs,
      now,
      now,
      jobId,
    );
    this.audit(jobId, 'job.start', SYSTEM, row.checkpoint === null ? 'started' : 'resumed', `attempt ${row.attempt}`);
    this.publish(jobId);
    this.rearm();
    return { ok: true, token: claimToken, job: this.mustGet(jobId), checkpoint: row.checkpoint, input: row.input };
  }

  checkpoint(jobId: string, token: string, report: ProgressReport): CheckpointResult {
    const row = this.leased(jobId, token);
    if (!row) return { ok: false, code: 'STALE' };
    const now = Date.now();
    if (row.cancel_requested === 1) {
      this.finish(jobId, 'cancelled', now);
      this.dispatch();
      return { ok: false, code: 'CANCELLED' };
    }
    const done = report.processedItems + report.failedItems;
    const before = row.processed_items + row.failed_items;
    const since = row.last_progress_ms ?? row.run_started_ms ?? now;
    const speed = now > since && done > before ? ((done - before) * 1000) / (now - since) : row.speed;
    this.sql.exec(
      `UPDATE jobs SET processed_items = ?, failed_items = ?, checkpoint = ?, speed = ?, last_progress_ms = ?,
                       lease_until_ms = ? WHERE id = ?`,
      report.processedItems,
      report.failedItems,
      report.checkpoint,
      speed,
      now,
      now + this.config.leaseMs,
      jobId,
    );
    this.publish(jobId, 'progress');
    if (report.yield) {
      const next = crypto.randomUUID();
      this.sql.exec('UPDATE jobs SET lease_token = ?, claimed = 0 WHERE id = ?', next, jobId);
      this.ctx.waitUntil(this.send({ jobId, token: next, attempt: row.attempt }));
    }
    this.rearm();
    return { ok: true };
  }

  /**
   * With `takeNext`, the slot this job frees is refilled by handing its worker the next ready job
   * (claimed here, under the same lease rules as a queue message), so a drain runs back to back.
   */
  complete(jobId: string, token: string, completion: Completion, takeNext = false): CompleteResult {
    const row = this.leased(jobId, token);
    if (!row) return { ok: false, code: 'STALE' };
    const now = Date.now();
    if (row.cancel_requested === 1) {
      this.finish(jobId, 'cancelled', now);
    } else {
      this.sql.exec(
        'UPDATE jobs SET processed_items = ?, failed_items = ?, result = ?, checkpoint = NULL WHERE id = ?',
        completion.processedItems,
        completion.failedItems,
        JSON.stringify(completion.result),
        jobId,
      );
      this.finish(jobId, 'completed', now);
    }
    const handed = this.dispatch(takeNext);
    const next = handed ? this.take(handed.jobId, handed.token) : null;
    return { ok: true, status: this.mustGet(jobId).status, next: next?.ok ? next : null };
  }

  fail(jobId: string, token: string, failure: FailureReport): FinishResult {
    const row = this.leased(jobId, token);
    if (!row) return { ok: false, code: 'STALE' };
    this.failOrRetry(row, failure, Date.now());
    this.dispatch();
    return { ok: true, status: this.mustGet(jobId).status };
  }

  // ---- time-driven work ----------------------------------------------------------------------

  override async alarm(): Promise<void> {
    this.armedAlarmMs = null;
    await this.tick();
  }

  /**
   * Everything time makes due: lapsed leases, delayed jobs, schedules, webhooks. Run by the
   * alarm (durable) and by an in-memory timer for deadlines close at hand (precise to the
   * millisecond, where alarms may fire a second late); safe to run twice.
   */
  private async tick(): Promise<void> {
    const now = Date.now();
    const lapsed = this.sql
      .exec<JobRow>("SELECT * FROM jobs WHERE state = 'running' AND lease_until_ms <= ?", now)
      .toArray();
    for (const row of lapsed) {
      this.audit(row.id, 'job.lease', SYSTEM, 'expired', `attempt ${row.attempt}`);
      if (row.cancel_requested === 1) {
        this.finish(row.id, 'cancelled', now);
        continue;
      }
      this.failOrRetry(
        row,
        { code: 'LEASE_EXPIRED', message: 'The worker running this job stopped reporting progress', stage: 'processing', retryable: true },
        now,
      );
    }
    // Admitted, but the Worker never confirmed writing the input (it stopped in between).
    const inputless = this.sql
      .exec<JobRow>("SELECT * FROM jobs WHERE input_ready = 0 AND state = 'pending' AND created_ms <= ?", now - this.config.leaseMs)
      .toArray();
    for (const row of inputless) {
      this.sql.exec('UPDATE jobs SET error = ? WHERE id = ?', JSON.stringify({ ...INPUT_MISSING, attempts: row.attempt }), row.id);
      this.finish(row.id, 'failed', now);
    }
    await this.fireSchedules(now);
    this.dispatch();
    await this.deliverWebhooks(now);
  }

  /**
   * Each due schedule creates an ordinary job, admitted like any other; a refusal is counted and
   * audited, not lost. The job id is derived from the schedule and due time, and the due time is
   * re-checked after the input is written, so a firing that runs twice creates one job.
   */
  private async fireSchedules(now: number): Promise<void> {
    const tenant = this.meta('tenant');
    if (tenant === null) return;
    const due = this.sql.exec<ScheduleRow>('SELECT * FROM schedules WHERE next_ms <= ?', now).toArray();
    for (const row of due) {
      const dueMs = row.next_ms ?? now;
      const spec = JSON.parse(row.job) as { type: JobType; priority: JobPriority; data: unknown };
      const handler = handlerFor(spec.type);
      const id = await firingJobId(row.id, dueMs);
      const input = JSON.stringify(spec.data);
      const inline = fitsInline(input);
      if (handler && !inline) await this.env.BLOBS.put(jobInputKey(tenant, id), input, { httpMetadata: { contentType: 'application/json' } });
      const current = this.sql.exec<{ next_ms: number | null }>('SELECT next_ms FROM schedules WHERE id = ?', row.id).toArray()[0];
      if (current?.next_ms !== dueMs) continue;
      let admitted = false;
      if (handler) {
        const data = handler.dataSchema.parse(spec.data);
        const outcome = this.admit(
          {
            id,
            type: spec.type,
            priority: spec.priority,
            ...jobSize(handler, data),
            runAtMs: null,
            dependsOn: [],
            retryOf: null,
            callbackUrl: null,
            input: inline ? input : null,
            awaitingInput: false,
          },
          { actor: `schedule:${row.id}`, requestId: null },
          now,
        );
        admitted = outcome.ok;
      }
      this.sql.exec(
        `UPDATE schedules SET next_ms = ?, last_fired_ms = ?, fired = fired + ?, refused = refused + ? WHERE id = ?`,
        // Missed firings (the object was away) are not replayed: the next one is after now.
        nextFiring(row.cron, row.timezone, Math.max(now, dueMs)),
        now,
        admitted ? 1 : 0,
        admitted ? 0 : 1,
        row.id,
      );
      if (!admitted && !inline) this.ctx.waitUntil(this.env.BLOBS.delete(jobInputKey(tenant, id)));
    }
  }

  /** Deletes terminal jobs past their TTL with their R2 objects. Safe to run twice or concurrently. */
  async cleanup(): Promise<CleanupReport> {
    const tenant = this.meta('tenant');
    const now = Date.now();
    const report: CleanupReport = { deletedJobs: 0, deletedObjects: 0 };
    forgetAdmissions(this.sql, now - HOUR_MS);
    forgetCompletions(this.sql, now - THROUGHPUT_WINDOW_MINUTES * MINUTE_MS);
    this.sql.exec('DELETE FROM idempotency_keys WHERE created_ms < ?', now - IDEMPOTENCY_TTL_MS);
    // The trail outlives every job it describes: kept for the longest job TTL.
    this.sql.exec('DELETE FROM audit WHERE ts_ms < ?', now - Math.max(this.config.failedJobTtlMs, this.config.completedJobTtlMs));
    if (tenant === null) return report;
    for (;;) {
      const expired = this.sql
        .exec<{ id: string }>(
          `SELECT id FROM jobs
           WHERE (state IN ('completed', 'cancelled') AND finished_ms < ?) OR (state = 'failed' AND finished_ms < ?)
           LIMIT ?`,
          now - this.config.completedJobTtlMs,
          now - this.config.failedJobTtlMs,
          CLEANUP_BATCH,
        )
        .toArray();
      if (expired.length === 0) return report;
      for (const { id } of expired) {
        report.deletedObjects += await deleteJobBlobs(this.env.BLOBS, tenant, id);
        // Re-checked after the await: only a still-terminal row goes.
        const gone = this.sql.exec("DELETE FROM jobs WHERE id = ? AND state IN ('completed', 'cancelled', 'failed')", id);
        this.sql.exec('DELETE FROM webhooks WHERE job_id = ?', id);
        if (gone.rowsWritten > 0) {
          report.deletedJobs += 1;
          this.audit(id, 'job.cleanup', { actor: 'system:cron', requestId: null }, 'deleted', null);
        }
      }
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  private failOrRetry(row: JobRow, failure: FailureReport, now: number): void {
    if (row.cancel_requested === 1) {
      this.finish(row.id, 'cancelled', now);
      return;
    }
    const error: JobErrorInfo & { attempts: number } = { ...failure, attempts: row.attempt };
    if (failure.retryable && row.attempt < row.max_attempts) {
      const delay = retryDelayMs(row.attempt, {
        baseDelayMs: this.config.retryBaseDelayMs,
        maxDelayMs: this.config.retryMaxDelayMs,
      });
      this.sql.exec(
        `UPDATE jobs SET state = 'pending', lease_token = NULL, claimed = 0, lease_until_ms = NULL,
                         not_before_ms = ?, error = ? WHERE id = ?`,
        now + delay,
        JSON.stringify(error),
        row.id,
      );
      this.audit(row.id, 'job.retry', SYSTEM, 'scheduled', `${failure.code} after attempt ${row.attempt}, in ${delay} ms`);
      this.publish(row.id);
      return;
    }
    this.sql.exec('UPDATE jobs SET error = ? WHERE id = ?', JSON.stringify(error), row.id);
    this.finish(row.id, 'failed', now);
  }

  /** The one terminal transition: frees the slot and answers every waiter. */
  private finish(id: string, status: 'completed' | 'failed' | 'cancelled', now: number): void {
    this.sql.exec(
      `UPDATE jobs SET state = ?, finished_ms = ?, lease_token = NULL, claimed = 0, lease_until_ms = NULL
       WHERE id = ?`,
      status,
      now,
      id,
    );
    const job = this.mustGet(id);
    const error = status === 'failed' && job.errorJson ? (JSON.parse(job.errorJson) as JobErrorInfo).code : null;
    this.audit(id, 'job.state', SYSTEM, status, error);
    this.publish(id);
    const set = this.waiters.get(id);
    if (set) {
      this.waiters.delete(id);
      for (const resolve of set) resolve(job);
    }
    if (job.callbackUrl) {
      // Delivered by the alarm, so it never delays the job's own completion.
      this.sql.exec("INSERT OR IGNORE INTO webhooks (job_id, next_ms, state) VALUES (?, ?, 'pending')", id, now);
    }
    if (status !== 'completed') this.failDependents(id, status, now);
  }

  /** A dependency that can never complete fails everything still waiting on it, transitively. */
  private failDependents(id: string, status: 'failed' | 'cancelled', now: number): void {
    const dependents = this.sql
      .exec<{ id: string; attempt: number }>(
        "SELECT j.id, j.attempt FROM job_deps d JOIN jobs j ON j.id = d.job_id WHERE d.depends_on = ? AND j.state = 'pending'",
        id,
      )
      .toArray();
    for (const dependent of dependents) {
      const error = {
        code: 'DEPENDENCY_FAILED',
        message: `Dependency ${id} ${status === 'failed' ? 'failed' : 'was cancelled'}`,
        stage: 'waiting',
        retryable: false,
        attempts: dependent.attempt,
        dependency: id,
      };
      this.sql.exec('UPDATE jobs SET error = ? WHERE id = ?', JSON.stringify(error), dependent.id);
      this.finish(dependent.id, 'failed', now);
    }
  }

  /**
   * Fills free slots in priority order (FIFO within a priority). Write first, send second: the
   * state is committed synchronously and the sends finish after the caller has its answer. With
   * `handOff`, the first job started is not sent but returned, for the caller's worker to claim.
   */
  private dispatch(handOff = false): Omit<WorkMessage, 'tenant'> | null {
    const now = Date.now();
    const started: Omit<WorkMessage, 'tenant'>[] = [];
    let running = countMatching(this.sql, { states: ['running'] });
    const paused = this.meta('paused') === '1';
    while (!paused && running < this.config.maxConcurrentJobs) {
      const next = this.sql
        .exec<{ id: string; attempt: number }>(
          `SELECT id, attempt FROM jobs
           WHERE state = 'pending' AND not_before_ms <= ? AND input_ready = 1
             AND NOT EXISTS (SELECT 1 FROM job_deps d JOIN jobs dj ON dj.id = d.depends_on
                             WHERE d.job_id = jobs.id AND dj.state != 'completed')
           ORDER BY priority_rank, seq LIMIT 1`,
          now,
        )
        .toArray()[0];
      if (!next) break;
      const token = crypto.randomUUID();
      const attempt = next.attempt + 1;
      this.sql.exec(
        `UPDATE jobs SET state = 'running', attempt = ?, lease_token = ?, claimed = 0, lease_until_ms = ?,
                         run_started_ms = NULL, last_progress_ms = NULL
         WHERE id = ?`,
        attempt,
        token,
        now + this.config.leaseMs,
        next.id,
      );
      running += 1;
      started.push({ jobId: next.id, token, attempt });
      this.publish(next.id);
    }
    if (running > Number(this.meta('peak_concurrency') ?? 0)) this.setMeta('peak_concurrency', String(running));
    const handed = handOff ? (started.shift() ?? null) : null;
    for (const message of started) this.ctx.waitUntil(this.send(message));
    this.rearm();
    return handed;
  }

  /**
   * Sends a work message. If the send fails, the job goes back to pending at once, keeping its
   * attempt count, instead of waiting out a lease that no message will ever renew.
   */
  private async send(message: Omit<WorkMessage, 'tenant'>): Promise<void> {
    const tenant = this.meta('tenant');
    if (tenant === null) throw new Error('coordinator has no tenant');
    try {
      await this.env.JOB_QUEUE.send({ ...message, tenant } satisfies WorkMessage, { contentType: 'json' });
    } catch (error) {
      console.error(JSON.stringify({ event: 'queue_send_failed', jobId: message.jobId, error: String(error) }));
      this.sql.exec(
        `UPDATE jobs SET state = 'pending', attempt = attempt - 1, lease_token = NULL, claimed = 0,
                         lease_until_ms = NULL, not_before_ms = ?
         WHERE id = ? AND lease_token = ? AND claimed = 0`,
        Date.now() + 1000,
        message.jobId,
        message.token,
      );
      this.rearm();
    }
  }

  /** One alarm, at the earliest lease expiry or backoff deadline. */
  private rearm(): void {
    const now = Date.now();
    const next = this.sql
      .exec<{ t: number | null }>(
        `SELECT MIN(t) AS t FROM (
           SELECT MIN(lease_until_ms) AS t FROM jobs WHERE state = 'running'
           UNION ALL
           SELECT MIN(not_before_ms) AS t FROM jobs WHERE state = 'pending' AND not_before_ms > ?
           UNION ALL
           SELECT MIN(next_ms) AS t FROM webhooks WHERE state = 'pending'
           UNION ALL
           SELECT MIN(next_ms) AS t FROM schedules
           UNION ALL
           SELECT MIN(created_ms) + ? AS t FROM jobs WHERE input_ready = 0 AND state = 'pending'
         )`,
        now,
        this.config.leaseMs,
      )
      .one().t;
    if (next === null) return;
    // Something already due fires now; the platform refuses times in the past.
    const at = Math.max(next, now);
    clearTimeout(this.timer);
    if (at - now <= PRECISE_HORIZON_MS) {
      this.timer = setTimeout(() => this.ctx.waitUntil(this.tick()), at - now);
    }
    if (at === this.armedAlarmMs) return;
    this.armedAlarmMs = at;
    void this.ctx.storage.setAlarm(at);
  }

  /**
   * POSTs each due webhook: the job summary, signed with the tenant's secret. A failure is
   * retried with backoff, every attempt is in the job's history, and after the last one it
   * gives up. Each row is claimed before the await, so overlapping alarms send it once.
   */
  private async deliverWebhooks(now: number): Promise<void> {
    const tenant = this.meta('tenant');
    const signingKey = this.config.webhookSigningKey;
    const due = this.sql
      .exec<{ job_id: string }>("SELECT job_id FROM webhooks WHERE state = 'pending' AND next_ms <= ?", now)
      .toArray();
    if (due.length === 0 || tenant === null) return;
    if (signingKey === null) {
      // The operator removed the signing key: these can never be signed, so stop trying (a due
      // row left pending would re-arm the alarm at once, forever).
      for (const { job_id } of due) {
        this.sql.exec("UPDATE webhooks SET state = 'gave_up' WHERE job_id = ?", job_id);
        this.audit(job_id, 'webhook.delivery', SYSTEM, 'failed:not_configured,gave_up', null);
      }
      return;
    }
    for (const { job_id } of due) this.sql.exec('UPDATE webhooks SET next_ms = ? WHERE job_id = ?', now + WEBHOOK_CLAIM_MS, job_id);
    const secret = await tenantWebhookSecret(signingKey, tenant);
    await Promise.all(
      due.map(async ({ job_id: jobId }) => {
        const job = this.getJob(jobId);
        if (!job?.callbackUrl) {
          this.sql.exec('DELETE FROM webhooks WHERE job_id = ?', jobId);
          return;
        }
        const body = JSON.stringify({
          id: `${jobId}:${job.status}`,
          type: `job.${job.status}`,
          job: presentJob(job, { nowMs: Date.now(), ttlMs: ttlFor(job, this.config) }),
        });
        const timestamp = Date.now();
        let outcome: string;
        try {
          const res = await fetch(job.callbackUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-id': `${jobId}:${job.status}`,
              'webhook-signature': await signatureHeader(secret, timestamp, body),
            },
            body,
            redirect: 'manual',
            signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          });
          await res.body?.cancel();
          outcome = res.ok ? `delivered:${res.status}` : `failed:${res.status}`;
        } catch {
          outcome = 'failed:network';
        }
        // Counted in SQL, not from the snapshot: every attempt is counted once, even overlapping ones.
        const attempt = this.sql
          .exec<{ attempts: number }>("UPDATE webhooks SET attempts = attempts + 1 WHERE job_id = ? AND state = 'pending' RETURNING attempts", jobId)
          .toArray()[0]?.attempts;
        if (attempt === undefined) return;
        if (outcome.startsWith('delivered')) {
          this.sql.exec("UPDATE webhooks SET state = 'delivered' WHERE job_id = ?", jobId);
        } else if (attempt >= WEBHOOK_MAX_ATTEMPTS) {
          this.sql.exec("UPDATE webhooks SET state = 'gave_up' WHERE job_id = ?", jobId);
          outcome += ',gave_up';
        } else {
          const delay = retryDelayMs(attempt, { baseDelayMs: 5_000, maxDelayMs: HOUR_MS });
          this.sql.exec('UPDATE webhooks SET next_ms = ? WHERE job_id = ?', Date.now() + delay, jobId);
        }
        this.audit(jobId, 'webhook.delivery', SYSTEM, outcome, `attempt ${attempt}`);
      }),
    );
    this.rearm();
  }

  /** The job's state as an event: terminal states by name, progress while it runs. */
  private snapshot(row: JobRow, kind: 'status' | 'progress' = 'status'): JobEvent {
    const job = toRecord(row);
    const view = presentJob(job, { nowMs: Date.now(), ttlMs: ttlFor(job, this.config) });
    if (isTerminal(job.status)) return { id: row.event_seq, event: job.status as JobEvent['event'], data: view };
    if (kind === 'progress') {
      return { id: row.event_seq, event: 'progress', data: { status: job.status, progress: progressOf(job), processingStats: view.processingStats } };
    }
    return { id: row.event_seq, event: 'status', data: view };
  }

  /** Numbers the job's new state and pushes it to its listeners, if it has any. */
  private publish(id: string, kind: 'status' | 'progress' = 'status'): void {
    this.sql.exec('UPDATE jobs SET event_seq = event_seq + 1 WHERE id = ?', id);
    if (this.hub.count(id) === 0) return;
    const row = this.row(id);
    if (row) this.hub.publish(id, this.snapshot(row, kind));
  }

  private audit(jobId: string | null, action: string, who: Actor, outcome: string, detail: string | null): void {
    this.sql.exec(
      'INSERT INTO audit (ts_ms, job_id, action, actor, request_id, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      Date.now(),
      jobId,
      action,
      who.actor,
      who.requestId,
      outcome,
      detail,
    );
  }

  private leased(jobId: string, token: string): JobRow | null {
    const row = this.row(jobId);
    if (!row || row.state !== 'running' || row.claimed !== 1 || row.lease_token !== token) return null;
    return row;
  }

  private row(id: string): JobRow | null {
    return this.sql.exec<JobRow>('SELECT * FROM jobs WHERE id = ?', id).toArray()[0] ?? null;
  }

  private mustGet(id: string): JobRecord {
    const row = this.row(id);
    if (!row) throw new Error(`job ${id} vanished`);
    return this.record(row);
  }

  private record(row: JobRow): JobRecord {
    const job = toRecord(row);
    if (row.state === 'pending') job.waitingFor = this.unmetDependencies(row.id);
    return job;
  }

  private unmetDependencies(id: string): string[] {
    return this.sql
      .exec<{ id: string }>(
        `SELECT d.depends_on AS id FROM job_deps d JOIN jobs j ON j.id = d.depends_on
         WHERE d.job_id = ? AND j.state != 'completed' ORDER BY d.depends_on`,
        id,
      )
      .toArray()
      .map((r) => r.id);
  }

  /** Dependencies and retry sources must be this tenant's jobs, in a state that can still work out. */
  private referenceProblems(job: NewJob): FieldProblem[] {
    const problems: FieldProblem[] = [];
    job.dependsOn.forEach((id, index) => {
      const dependency = this.row(id);
      const field = `dependsOn[${index}]`;
      if (!dependency) problems.push({ field, message: `No job ${id}` });
      else if (dependency.state === 'failed' || dependency.state === 'cancelled') {
        problems.push({ field, message: `Job ${id} is ${dependency.state}; it can never complete` });
      }
    });
    if (job.retryOf) {
      const original = this.row(job.retryOf);
      if (!original || (original.state !== 'failed' && original.state !== 'cancelled')) {
        problems.push({ field: 'retryOf', message: 'Only a failed or cancelled job can be retried' });
      }
    }
    return problems;
  }

  private rememberTenant(tenant: string): void {
    if (this.meta('tenant') === null) this.setMeta('tenant', tenant);
  }

  private meta(key: string): string | null {
    return this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }
}
