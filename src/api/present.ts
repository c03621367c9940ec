import type { Config } from '../config.ts';
import type { JobErrorInfo, JobRecord, StoredResult } from '../core/job-record.ts';
import type { z } from '@hono/zod-openapi';
import type { JobSummary, JobView } from './schemas.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Percent done, one decimal; a completed job is 100 whatever its item counts. */
export function progressOf(job: JobRecord): number {
  if (job.status === 'completed') return 100;
  if (job.totalItems <= 0) return 0;
  const done = job.processedItems + job.failedItems;
  return Math.min(100, Math.round((done / job.totalItems) * 1000) / 10);
}

export function summarizeJob(job: JobRecord): z.infer<typeof JobSummary> {
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

/** How long cleanup keeps a job once it has ended; null while it runs. */
export function ttlFor(job: JobRecord, config: Config): number | null {
  if (job.status === 'completed' || job.status === 'cancelled') return config.completedJobTtlMs;
  if (job.status === 'failed') return config.failedJobTtlMs;
  return null;
}

export interface PresentOptions {
  nowMs: number;
  /** The TTL after which cleanup deletes this job, by its terminal state. */
  ttlMs: number | null;
  result?: Record<string, unknown>;
}

export function presentJob(job: JobRecord, options: PresentOptions): z.infer<typeof JobView> {
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
