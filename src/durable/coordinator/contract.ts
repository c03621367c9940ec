/**
 * The coordinator's RPC contract: what callers send and what comes back. Expected refusals are
 * data (`{ok: false, code}`); the API turns them into HTTP in one place.
 */
import type { FieldError } from '../../core/field-error.ts';
import type { JobRecord, StoredResult } from '../../core/job-record.ts';
import type { JobPriority, JobStatus, JobType } from '../../core/job-types.ts';
import type { Spread } from '../../core/percentiles.ts';

export interface NewJob extends JobSize {
  id: string;
  type: JobType;
  priority: JobPriority;
  /** Not before this time (delayed job); null runs as soon as a slot is free. */
  runAtMs: number | null;
  /** Jobs of this tenant that must complete first. */
  dependsOn: string[];
  /** The failed or cancelled job this one re-runs. */
  retryOf: string | null;
  /** Told of the terminal state by a signed POST (checked by the Worker before it gets here). */
  callbackUrl: string | null;
  /**
   * The input's JSON when small enough to keep beside the job (src/core/inline-payload.ts); null
   * when it lives in R2. With `awaitingInput`, the Worker writes it to R2 after admission and
   * then calls `inputStored`: until then the job may not start.
   */
  input: string | null;
  awaitingInput: boolean;
}

/** How big a job is, as its handler estimates it from the data (stored so a schedule can fire without the handler). */
export interface JobSize {
  totalItems: number;
  estimatedMs: number;
  estimatedMemoryBytes: number;
}

/**
 * A recurring schedule: each firing creates an ordinary job from `job`, its data already validated
 * and sized. The data itself lives in R2 (`scheduleInputKey`, written by the Worker before this
 * call), like a job's input: the row holds only what lists and firings need, no large blob.
 */
export interface NewSchedule {
  id: string;
  cron: string;
  timezone: string;
  job: { type: JobType; priority: JobPriority; size: JobSize };
}

export type CreateScheduleResult = { ok: true; schedule: ScheduleRecord } | OverCap;

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

/** What a create answers with: the job's identity and its status once dispatch has run. */
export type AdmittedJob = Pick<JobRecord, 'id' | 'type' | 'priority' | 'status' | 'createdMs'>;

export type EnqueueResult =
  | { ok: true; job: AdmittedJob; replayed: boolean }
  | { ok: false; code: 'IDEMPOTENCY_CONFLICT'; jobId: string }
  | { ok: false; code: 'INVALID_REFERENCE'; errors: FieldError[] }
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

/** A per-tenant cap on calls held open (README "Security"): reached, the call is refused at once. */
export type OverCap = { ok: false; code: 'QUOTA_EXCEEDED'; limit: number };

export type WaitResult = { ok: true; job: JobRecord; terminal: boolean } | { ok: false; code: 'JOB_NOT_FOUND' } | OverCap;

export type EventsResult = { ok: true; stream: ReadableStream<Uint8Array> } | { ok: false; code: 'JOB_NOT_FOUND' } | OverCap;

/** A lease-holding call that no longer holds the lease: an old attempt, a duplicate, a finished job. */
export type Stale = { ok: false; code: 'STALE' };
/** The job was cancelled at this checkpoint: stop, record nothing more. */
export type Cancelled = { ok: false; code: 'CANCELLED' };

/** A lease the worker holds; `input` is the job's JSON input when kept inline (else it is in R2). */
export interface Claimed {
  ok: true;
  token: string;
  /** What the consumer runs it by: the row read for the claim, not read again. */
  job: Pick<JobRecord, 'id' | 'type' | 'attempt' | 'status'>;
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

/** Queue wait (created → started) and run time (started → completed) of recent completions of one type, ms. */
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
  /** Over every completion within the throughput window, from histograms (bins about 19% wide; migration 9). */
  timing: { windowMinutes: number; sampled: number; byType: Record<string, TypeTiming> };
  paused: boolean;
}

export interface CleanupReport {
  deletedJobs: number;
  deletedObjects: number;
}
