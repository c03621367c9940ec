import type { z } from 'zod';
import type { StoredResult } from '../core/job-record.ts';
import type { JobType } from '../core/job-types.ts';
import type { FieldError } from '../core/field-error.ts';

/** What a slice may do next, as the coordinator answered its progress report. */
export type ReportAnswer = 'continue' | 'yield' | 'stop';

export interface Progress<C> {
  processedItems: number;
  failedItems: number;
  /** Handler-defined resume point; committed with the progress, handed back on the next slice. */
  checkpoint: C;
}

export interface JobRun<D, C> {
  jobId: string;
  tenant: string;
  attempt: number;
  data: D;
  /** Where the last committed slice stopped, or null on a fresh start. */
  checkpoint: C | null;
  env: Env;
  /**
   * Call after each bounded unit of work, once its side effects are written (idempotently:
   * a retry resumes from the last committed checkpoint and writes the same objects again).
   * 'continue': go on; 'yield': this invocation's budget is spent and the rest continues in
   * a new message; 'stop': cancelled or no longer the lease holder, write nothing more.
   */
  report(progress: Progress<C>): Promise<ReportAnswer>;
  /**
   * Call between small steps of CPU work (a record, a window): lets the isolate's other requests
   * in every ~10 ms (`pacer`). `report` paces too.
   */
  pace(): Promise<void>;
}

export type ExecuteOutcome =
  | { done: true; processedItems: number; failedItems: number; result: StoredResult }
  | { done: false };

/** An expected failure a handler raises on purpose; `retryable` decides between retry and fail. */
export class JobFailure extends Error {
  override name = 'JobFailure';
  readonly code: string;
  readonly retryable: boolean;
  readonly stage: string;

  constructor(code: string, message: string, retryable: boolean, stage = 'processing') {
    super(message);
    this.code = code;
    this.retryable = retryable;
    this.stage = stage;
  }
}

/** One per job type, as the seed sketches it: validate, execute, estimateTime, estimateMemory. */
export interface JobHandler<D = unknown, C = unknown> {
  readonly type: JobType;
  /** Validates and fills defaults; the single source for the API, its errors and the OpenAPI doc. */
  readonly dataSchema: z.ZodType<D>;
  /**
   * Checks that need storage (a named file or dataset exists), run at creation after the schema
   * passed, so a bad reference is a 400 now rather than a failed job later. Fields are named
   * relative to `data`.
   */
  validate?(data: D, context: { env: Env; tenant: string }): Promise<FieldError[]>;
  totalItems(data: D): number;
  /** Expected wall time in ms. */
  estimateTime(data: D): number;
  /** Expected peak memory in bytes. */
  estimateMemory(data: D): number;
  execute(run: JobRun<D, C>): Promise<ExecuteOutcome>;
  /**
   * The R2 key of the file a completed job offers at GET /jobs/{id}/download, its Content-Type
   * and Content-Disposition stored with the object; null if the result names none. A type
   * without it has nothing to download.
   */
  downloadKey?(tenant: string, jobId: string, result: StoredResult): string | null;
  /**
   * Called when the job ended without completing while `execute` ran (cancelled at a report or
   * at completion, or failed for good): removes what it wrote, so such a job leaves no output.
   * `run.checkpoint` is the last one `execute` reported (null if none). Not called when a
   * lapsed lease fails the job: no worker is there to call it.
   */
  discard?(run: JobRun<D, C>): Promise<void>;
}
