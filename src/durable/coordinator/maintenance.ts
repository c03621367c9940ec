/**
 * Chores time makes due (River's maintenance services): retention of ended jobs and of the side
 * tables; lapsed-lease rescue finds rows with `lapsedLeases` (job-queries.ts) and fails them with
 * LEASE_EXPIRED through the ordinary retry transition.
 */
import { HOUR_MS } from '../../core/admission.ts';
import type { Retention } from '../../core/job-view.ts';
import { deleteJobBlobs } from '../../storage/job-blobs.ts';
import { forgetAdmissions, IDEMPOTENCY_TTL_MS } from './admission-store.ts';
import type { CleanupReport, FailureReport } from './contract.ts';
import { forgetCompletions, forgetEmptyBuckets, THROUGHPUT_WINDOW_MS } from './job-counts.ts';

const CLEANUP_BATCH = 50;

/** Lapsed-lease rescue: a running job whose lease ran out failed this way, and is retried like any retryable failure. */
export const LEASE_EXPIRED: FailureReport = {
  code: 'LEASE_EXPIRED',
  message: 'The worker running this job stopped reporting progress',
  stage: 'processing',
  retryable: true,
};

/** Drops admission and completion counts older than their windows, empty list buckets, stale idempotency keys and old audit rows. */
export function pruneSideTables(sql: SqlStorage, now: number, retention: Retention): void {
  forgetAdmissions(sql, now - HOUR_MS);
  forgetCompletions(sql, now - THROUGHPUT_WINDOW_MS);
  forgetEmptyBuckets(sql);
  sql.exec('DELETE FROM idempotency_keys WHERE created_ms < ?', now - IDEMPOTENCY_TTL_MS);
  // The trail outlives every job it describes: kept for the longest job TTL.
  sql.exec('DELETE FROM audit WHERE ts_ms < ?', now - Math.max(retention.failedJobTtlMs, retention.completedJobTtlMs));
}

/** Up to `limit` ended jobs past their TTL. */
function expiredJobs(sql: SqlStorage, now: number, retention: Retention, limit: number): string[] {
  return sql
    .exec<{ id: string }>(
      `SELECT id FROM jobs
       WHERE (state IN ('completed', 'cancelled') AND finished_ms < ?) OR (state = 'failed' AND finished_ms < ?)
       LIMIT ?`,
      now - retention.completedJobTtlMs,
      now - retention.failedJobTtlMs,
      limit,
    )
    .toArray()
    .map((r) => r.id);
}

/** Deletes a job that is still ended, with its webhook row; false when it is gone or live again. */
function deleteEndedJob(sql: SqlStorage, id: string): boolean {
  const gone = sql.exec("DELETE FROM jobs WHERE id = ? AND state IN ('completed', 'cancelled', 'failed')", id).rowsWritten > 0;
  sql.exec('DELETE FROM webhooks WHERE job_id = ?', id);
  return gone;
}

/**
 * Deletes ended jobs past their TTL with their R2 objects, in batches; `onDeleted` audits each.
 * Safe to run twice or concurrently: a row is re-checked after the await that deleted its objects.
 */
export async function deleteExpiredJobs(
  sql: SqlStorage,
  blobs: R2Bucket,
  tenant: string,
  now: number,
  retention: Retention,
  onDeleted: (id: string) => void,
): Promise<CleanupReport> {
  const report: CleanupReport = { deletedJobs: 0, deletedObjects: 0 };
  for (;;) {
    const expired = expiredJobs(sql, now, retention, CLEANUP_BATCH);
    if (expired.length === 0) return report;
    for (const id of expired) {
      report.deletedObjects += await deleteJobBlobs(blobs, tenant, id);
      if (deleteEndedJob(sql, id)) {
        report.deletedJobs += 1;
        onDeleted(id);
      }
    }
  }
}
