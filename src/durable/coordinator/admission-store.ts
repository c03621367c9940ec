/** What admission reads and writes: the sliding rate windows, idempotency keys and reference checks. */
import { decideAdmission, HOUR_MS, MINUTE_MS, type AdmissionDecision, type AdmissionLimits } from '../../core/admission.ts';
import type { FieldError } from '../../core/field-error.ts';
import type { IdempotencyClaim, NewJob } from './contract.ts';
import { countQueued, jobRow } from './job-queries.ts';

export const IDEMPOTENCY_TTL_MS = 24 * HOUR_MS;

/** The job an Idempotency-Key already made within its TTL, with the hash of the body that made it. */
export function findIdempotent(sql: SqlStorage, key: string, now: number): { bodyHash: string; jobId: string } | null {
  const row = sql
    .exec<{ body_hash: string; job_id: string }>('SELECT body_hash, job_id FROM idempotency_keys WHERE key = ? AND created_ms > ?', key, now - IDEMPOTENCY_TTL_MS)
    .toArray()[0];
  return row ? { bodyHash: row.body_hash, jobId: row.job_id } : null;
}

export function rememberIdempotency(sql: SqlStorage, claim: IdempotencyClaim, jobId: string, now: number): void {
  sql.exec(
    `INSERT INTO idempotency_keys (key, body_hash, job_id, created_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET body_hash = excluded.body_hash, job_id = excluded.job_id, created_ms = excluded.created_ms`,
    claim.key,
    claim.bodyHash,
    jobId,
    now,
  );
}

/**
 * Admissions counted per second: a window's count and its oldest admission are read from at most
 * one row per second of the window. A second counts while any instant of it is inside the
 * window, so the limit errs by under a second towards refusing, never towards admitting.
 */
export function admissionWindow(sql: SqlStorage, sinceMs: number, now: number): { count: number; oldestMs: number | null } {
  const row = sql
    .exec<{ n: number | null; oldest: number | null }>('SELECT SUM(n) AS n, MIN(second) AS oldest FROM admission_seconds WHERE second >= ?', Math.floor(sinceMs / 1000))
    .one();
  return { count: row.n ?? 0, oldestMs: row.oldest === null ? null : Math.min(row.oldest * 1000 + 999, now) };
}

export function recordAdmission(sql: SqlStorage, now: number): void {
  sql.exec('INSERT INTO admission_seconds (second, n) VALUES (?, 1) ON CONFLICT DO UPDATE SET n = n + 1', Math.floor(now / 1000));
}

export function forgetAdmissions(sql: SqlStorage, beforeMs: number): void {
  sql.exec('DELETE FROM admission_seconds WHERE second < ?', Math.floor(beforeMs / 1000));
}

/** Dependencies and retry sources must be this tenant's jobs, in a state that can still work out. */
export function referenceProblems(sql: SqlStorage, job: NewJob): FieldError[] {
  const problems: FieldError[] = [];
  job.dependsOn.forEach((id, index) => {
    const dependency = jobRow(sql, id);
    const field = `dependsOn[${index}]`;
    if (!dependency) problems.push({ field, message: `No job ${id}` });
    else if (dependency.state === 'failed' || dependency.state === 'cancelled') {
      problems.push({ field, message: `Job ${id} is ${dependency.state}; it can never complete` });
    }
  });
  if (job.retryOf) {
    const original = jobRow(sql, job.retryOf);
    if (!original || (original.state !== 'failed' && original.state !== 'cancelled')) {
      problems.push({ field: 'retryOf', message: 'Only a failed or cancelled job can be retried' });
    }
  }
  return problems;
}

/** The admission rule (core/admission.ts) over what this tenant has queued and admitted now. */
export function admissionDecision(sql: SqlStorage, now: number, limits: AdmissionLimits): AdmissionDecision {
  const state = { nowMs: now, queued: countQueued(sql), lastMinute: admissionWindow(sql, now - MINUTE_MS, now), lastHour: admissionWindow(sql, now - HOUR_MS, now) };
  return decideAdmission(state, limits);
}
