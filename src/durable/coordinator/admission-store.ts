/** What admission reads and writes: the sliding rate windows, idempotency keys and reference checks. */
import { HOUR_MS } from '../../core/admission.ts';
import type { FieldError } from '../../core/field-error.ts';
import type { IdempotencyClaim, NewJob } from './contract.ts';
import { jobRow } from './job-queries.ts';

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

/** Admissions since `sinceMs`, and the oldest of them (when the window frees a place). */
export function admissionWindow(sql: SqlStorage, sinceMs: number): { count: number; oldestMs: number | null } {
  const row = sql.exec<{ n: number; oldest: number | null }>('SELECT COUNT(*) AS n, MIN(ts_ms) AS oldest FROM admissions WHERE ts_ms > ?', sinceMs).one();
  return { count: row.n, oldestMs: row.oldest };
}

export function recordAdmission(sql: SqlStorage, now: number): void {
  sql.exec('INSERT INTO admissions (ts_ms) VALUES (?)', now);
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
