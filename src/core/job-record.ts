import type { JobPriority, JobStatus, JobType } from './job-types.ts';

/** A job failure as the API shows it: a message safe to show, never raw input or a stack. */
export interface JobErrorInfo {
  code: string;
  message: string;
  stage: string;
  retryable: boolean;
}

/**
 * Where a finished job's per-item results live: R2 parts of `partSize` items each, or, when they
 * fit (src/core/inline-payload.ts), `inline` in the result itself, with no R2 object at all.
 */
export interface ResultItems {
  total: number;
  partSize: number;
  inline?: object[];
}

/** The handler's result: a small summary kept by the coordinator, items paged from R2. */
export interface StoredResult {
  summary: Record<string, string | number | boolean | null | object>;
  items: ResultItems | null;
}

/**
 * The coordinator's view of one job, as it crosses RPC. JSON-valued fields travel as strings:
 * recursive JSON types do not survive the RPC type mapping.
 */
export interface JobRecord {
  id: string;
  type: JobType;
  priority: JobPriority;
  status: JobStatus;
  attempt: number;
  maxAttempts: number;
  cancelRequested: boolean;
  totalItems: number;
  processedItems: number;
  failedItems: number;
  /** items/second between the last two progress reports */
  speed: number | null;
  estimatedMs: number;
  estimatedMemoryBytes: number;
  createdMs: number;
  startedMs: number | null;
  runStartedMs: number | null;
  lastProgressMs: number | null;
  finishedMs: number | null;
  notBeforeMs: number;
  errorJson: string | null;
  resultJson: string | null;
  /** When a delayed job was asked to run. */
  scheduledMs: number | null;
  retryOf: string | null;
  retriedBy: string | null;
  callbackUrl: string | null;
  /** Dependencies that have not completed yet (pending jobs only). */
  waitingFor: string[];
}

/** What a list page shows of a job: read without its input, result or error, which may be large. */
export type JobSummaryRecord = Pick<JobRecord, 'id' | 'type' | 'priority' | 'status' | 'totalItems' | 'processedItems' | 'failedItems' | 'createdMs' | 'startedMs' | 'finishedMs'>;
