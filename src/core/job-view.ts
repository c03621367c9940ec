/** How a job looks from outside: its zod schema (the API documents it) and the mapping from a JobRecord. */
import { z } from '@hono/zod-openapi';
import type { JobErrorInfo, JobRecord, JobSummaryRecord, StoredResult } from './job-record.ts';
import { JOB_PRIORITIES, JOB_STATUSES, JOB_TYPES } from './job-types.ts';

export const JobPrioritySchema = z.enum(JOB_PRIORITIES).openapi('JobPriority');
export const JobStatusSchema = z.enum(JOB_STATUSES).openapi('JobStatus');
export const JobTypeSchema = z.enum(JOB_TYPES).openapi('JobType');

const ProcessingStats = z
  .object({
    totalItems: z.number().int(),
    processedItems: z.number().int(),
    failedItems: z.number().int(),
    averageProcessingTime: z.number().openapi({ description: 'Milliseconds per item' }),
    currentSpeed: z.string().openapi({ example: '22 items/second' }),
  })
  .openapi('ProcessingStats');

const ErrorDetails = z
  .object({
    code: z.string().openapi({
      description:
        'Why the job failed: JOB_PROCESSING_ERROR (the handler failed unexpectedly), TEMPORARY_FAILURE (retries spent on ' +
        "an overloaded platform), LEASE_EXPIRED, DEPENDENCY_FAILED, CANCELLED, or the job type's own (FILE_NOT_FOUND, " +
        'FILE_CHANGED, DATASET_NOT_FOUND, DATASET_CHANGED, …)',
      example: 'JOB_PROCESSING_ERROR',
    }),
    stage: z.string(),
    attempts: z.number().int(),
    retryable: z.boolean(),
  })
  .openapi('JobErrorDetails');

const JsonObject = z.record(z.string(), z.unknown());

export const JobSummary = z
  .object({
    id: z.string(),
    type: JobTypeSchema,
    status: JobStatusSchema,
    priority: JobPrioritySchema,
    progress: z.number().min(0).max(100),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    completedAt: z.string().optional(),
    failedAt: z.string().optional(),
    cancelledAt: z.string().optional(),
  })
  .openapi('JobSummary');

export const JobView = JobSummary.extend({
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  cancelRequested: z.boolean().optional(),
  scheduledFor: z.string().optional().openapi({ description: 'A delayed job: when it becomes due' }),
  nextAttemptAt: z.string().optional().openapi({ description: 'A job waiting out a retry backoff: when it may run again' }),
  waitingFor: z.array(z.string()).optional().openapi({ description: 'Dependencies that have not completed yet' }),
  retryOf: z.string().optional(),
  retriedBy: z.string().optional(),
  callbackUrl: z.string().optional(),
  estimatedCompletion: z.string().optional(),
  expiresAt: z.string().optional(),
  processingStats: ProcessingStats,
  result: JsonObject.optional(),
  error: z.string().optional(),
  errorDetails: ErrorDetails.optional(),
}).openapi('Job');



const iso = (ms: number): string => new Date(ms).toISOString();

/** Percent done, one decimal; a completed job is 100 whatever its item counts. */
export function progressOf(job: Pick<JobRecord, 'status' | 'totalItems' | 'processedItems' | 'failedItems'>): number {
  if (job.status === 'completed') return 100;
  if (job.totalItems <= 0) return 0;
  const done = job.processedItems + job.failedItems;
  return Math.min(100, Math.round((done / job.totalItems) * 1000) / 10);
}

export function summarizeJob(job: JobSummaryRecord): z.infer<typeof JobSummary> {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    priority: job.priority,
    progress: progressOf(job),
    createdAt: iso(job.createdMs),
    ...(job.startedMs !== null ? { startedAt: iso(job.startedMs) } : {}),
    ...(job.finishedMs !== null && job.status === 'completed' ? { completedAt: iso(job.finishedMs) } : {}),
    ...(job.finishedMs !== null && job.status === 'failed' ? { failedAt: iso(job.finishedMs) } : {}),
    ...(job.finishedMs !== null && job.status === 'cancelled' ? { cancelledAt: iso(job.finishedMs) } : {}),
  };
}

function estimatedCompletionMs(job: JobRecord): number | null {
  if (job.status !== 'running' || job.runStartedMs === null) return null;
  const remaining = job.totalItems - job.processedItems - job.failedItems;
  if (job.speed && job.speed > 0 && job.lastProgressMs !== null) {
    return Math.round(job.lastProgressMs + (remaining / job.speed) * 1000);
  }
  return job.runStartedMs + job.estimatedMs;
}

/** How long cleanup keeps an ended job (the service's settings carry these). */
export interface Retention {
  completedJobTtlMs: number;
  failedJobTtlMs: number;
}

/** How long cleanup keeps a job once it has ended; null while it runs. */
export function ttlFor(job: JobRecord, retention: Retention): number | null {
  if (job.status === 'completed' || job.status === 'cancelled') return retention.completedJobTtlMs;
  if (job.status === 'failed') return retention.failedJobTtlMs;
  return null;
}

export interface PresentOptions {
  nowMs: number;
  /** The TTL after which cleanup deletes this job, by its terminal state. */
  ttlMs: number | null;
  result?: Record<string, unknown>;
}

export type JobViewData = z.infer<typeof JobView>;

export function presentJob(job: JobRecord, options: PresentOptions): JobViewData {
  const done = job.processedItems + job.failedItems;
  const end = job.finishedMs ?? options.nowMs;
  const elapsed = job.startedMs === null ? 0 : Math.max(0, end - job.startedMs);
  const speed = job.status === 'running' && job.speed !== null ? job.speed : elapsed > 0 ? (done * 1000) / elapsed : 0;
  const error = job.status === 'failed' && job.errorJson ? (JSON.parse(job.errorJson) as JobErrorInfo & { attempts: number }) : null;
  const eta = estimatedCompletionMs(job);
  return {
    ...summarizeJob(job),
    attempts: job.attempt,
    maxAttempts: job.maxAttempts,
    ...(job.cancelRequested && job.status === 'running' ? { cancelRequested: true } : {}),
    ...(job.status === 'pending' && job.scheduledMs !== null && job.attempt === 0 ? { scheduledFor: iso(job.scheduledMs) } : {}),
    ...(job.status === 'pending' && job.attempt > 0 && job.notBeforeMs > options.nowMs ? { nextAttemptAt: iso(job.notBeforeMs) } : {}),
    ...(job.waitingFor.length > 0 ? { waitingFor: job.waitingFor } : {}),
    ...(job.retryOf ? { retryOf: job.retryOf } : {}),
    ...(job.retriedBy ? { retriedBy: job.retriedBy } : {}),
    ...(job.callbackUrl ? { callbackUrl: job.callbackUrl } : {}),
    ...(eta !== null ? { estimatedCompletion: iso(eta) } : {}),
    ...(job.finishedMs !== null && options.ttlMs !== null ? { expiresAt: iso(job.finishedMs + options.ttlMs) } : {}),
    processingStats: {
      totalItems: job.totalItems,
      processedItems: job.processedItems,
      failedItems: job.failedItems,
      averageProcessingTime: done > 0 ? Math.round((elapsed / done) * 100) / 100 : 0,
      currentSpeed: `${Math.round(speed)} items/second`,
    },
    ...(options.result ? { result: options.result } : {}),
    ...(error
      ? {
          error: error.message,
          errorDetails: { code: error.code, stage: error.stage, attempts: error.attempts, retryable: error.retryable },
        }
      : {}),
  };
}

export function storedResult(job: JobRecord): StoredResult | null {
  return job.status === 'completed' && job.resultJson ? (JSON.parse(job.resultJson) as StoredResult) : null;
}
