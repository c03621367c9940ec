/**
 * Every change of a job's state, as one named, guarded UPDATE (BullMQ's and River's named
 * commands): a transition that finds the row in the wrong state changes nothing and says so.
 * The state names: src/core/job-states.ts.
 */
import type { TerminalState } from '../../core/job-states.ts';
import { priorityRank } from '../../core/job-types.ts';
import type { NewJob, ProgressReport } from './contract.ts';
import { countRunning, nextReadyJob, PENDING_SQL, type JobRow } from './job-queries.ts';
import { getMeta, setMeta } from './meta.ts';

/** True when some dependency of `jobs.id` has not completed (a deleted one no longer blocks). */
const UNMET_DEPENDENCY = `EXISTS (SELECT 1 FROM job_deps d JOIN jobs dj ON dj.id = d.depends_on
                                  WHERE d.job_id = jobs.id AND dj.state != 'completed')`;

/** Inserts an admitted job: scheduled when it has a future start, else waiting or ready by its dependencies. */
export function addJob(sql: SqlStorage, job: NewJob, maxAttempts: number, now: number): void {
  const delayed = job.runAtMs !== null && job.runAtMs > now;
  sql.exec(
    `INSERT INTO jobs (id, type, priority_rank, state, max_attempts, total_items, estimated_ms,
                       estimated_memory, created_ms, not_before_ms, scheduled_ms, retry_of, callback_url,
                       input, input_ready)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    job.id,
    job.type,
    priorityRank(job.priority),
    delayed ? 'scheduled' : 'ready',
    maxAttempts,
    job.totalItems,
    job.estimatedMs,
    job.estimatedMemoryBytes,
    now,
    job.runAtMs ?? 0,
    delayed ? job.runAtMs : null,
    job.retryOf,
    job.callbackUrl,
    job.input,
    job.awaitingInput ? 0 : 1,
  );
  for (const dependency of job.dependsOn) {
    sql.exec('INSERT OR IGNORE INTO job_deps (job_id, depends_on) VALUES (?, ?)', job.id, dependency);
  }
  sql.exec(`UPDATE jobs SET state = 'waiting' WHERE id = ? AND state = 'ready' AND ${UNMET_DEPENDENCY}`, job.id);
  if (job.retryOf) sql.exec('UPDATE jobs SET retried_by = ? WHERE id = ?', job.id, job.retryOf);
}

/** The Worker wrote an admitted job's big input to R2: from now on it may start. */
export function markInputStored(sql: SqlStorage, id: string): void {
  sql.exec('UPDATE jobs SET input_ready = 1 WHERE id = ?', id);
}

/** scheduled/retrying → waiting or ready, for every job whose time has come. */
export function promoteDue(sql: SqlStorage, now: number): void {
  sql.exec(
    `UPDATE jobs SET state = CASE WHEN ${UNMET_DEPENDENCY} THEN 'waiting' ELSE 'ready' END
     WHERE state IN ('scheduled', 'retrying') AND not_before_ms <= ?`,
    now,
  );
}

/** waiting → ready, for the dependents of a job that just completed whose last dependency it was. */
export function promoteDependents(sql: SqlStorage, completedId: string): void {
  sql.exec(
    `UPDATE jobs SET state = 'ready'
     WHERE state = 'waiting' AND id IN (SELECT job_id FROM job_deps WHERE depends_on = ?) AND NOT ${UNMET_DEPENDENCY}`,
    completedId,
  );
}

/** ready → running: a new attempt and an unclaimed lease that its work message offers. */
export function startJob(sql: SqlStorage, id: string, attempt: number, token: string, leaseUntilMs: number): boolean {
  return (
    sql.exec(
      `UPDATE jobs SET state = 'running', attempt = ?, lease_token = ?, claimed = 0, lease_until_ms = ?,
                       run_started_ms = NULL, last_progress_ms = NULL
       WHERE id = ? AND state = 'ready'`,
      attempt,
      token,
      leaseUntilMs,
      id,
    ).rowsWritten > 0
  );
}

/** A worker takes the offered lease: the offered token is swapped for one only it knows. */
export function claimLease(sql: SqlStorage, id: string, offered: string, claimToken: string, leaseUntilMs: number, now: number): boolean {
  // A job starts when a worker takes it, not when its message is sent.
  return (
    sql.exec(
      `UPDATE jobs SET lease_token = ?, claimed = 1, lease_until_ms = ?, started_ms = COALESCE(started_ms, ?),
                       run_started_ms = COALESCE(run_started_ms, ?)
       WHERE id = ? AND state = 'running' AND lease_token = ? AND claimed = 0`,
      claimToken,
      leaseUntilMs,
      now,
      now,
      id,
      offered,
    ).rowsWritten > 0
  );
}

/** Checkpoint, progress and lease renewal, committed together. */
/** Items per second since the last report (or the start); the previous speed when nothing moved. */
function progressSpeed(row: JobRow, report: ProgressReport, now: number): number | null {
  const done = report.processedItems + report.failedItems;
  const before = row.processed_items + row.failed_items;
  const since = row.last_progress_ms ?? row.run_started_ms ?? now;
  return now > since && done > before ? ((done - before) * 1000) / (now - since) : row.speed;
}

export function recordProgress(sql: SqlStorage, row: JobRow, token: string, report: ProgressReport, now: number, leaseUntilMs: number): boolean {
  return (
    sql.exec(
      `UPDATE jobs SET processed_items = ?, failed_items = ?, checkpoint = ?, speed = ?, last_progress_ms = ?, lease_until_ms = ?
       WHERE id = ? AND state = 'running' AND lease_token = ? AND claimed = 1`,
      report.processedItems,
      report.failedItems,
      report.checkpoint,
      progressSpeed(row, report, now),
      now,
      leaseUntilMs,
      row.id,
      token,
    ).rowsWritten > 0
  );
}

/** A lapsed lease whose expiry failed to apply (the alarm's error boundary): looked at again at `untilMs`. */
export function postponeLapsedLease(sql: SqlStorage, id: string, untilMs: number): void {
  sql.exec("UPDATE jobs SET lease_until_ms = ? WHERE id = ? AND state = 'running'", untilMs, id);
}

/** The worker hands the rest to a new message: the lease is offered again under a new token. */
export function yieldLease(sql: SqlStorage, id: string, token: string, next: string): boolean {
  return sql.exec("UPDATE jobs SET lease_token = ?, claimed = 0 WHERE id = ? AND state = 'running' AND lease_token = ?", next, id, token).rowsWritten > 0;
}

/** running → retrying: the message offering this lease was never sent, so the attempt does not count. */
export function releaseUnsent(sql: SqlStorage, id: string, token: string, notBeforeMs: number): boolean {
  return (
    sql.exec(
      `UPDATE jobs SET state = 'retrying', attempt = attempt - 1, lease_token = NULL, claimed = 0,
                       lease_until_ms = NULL, not_before_ms = ?
       WHERE id = ? AND state = 'running' AND lease_token = ? AND claimed = 0`,
      notBeforeMs,
      id,
      token,
    ).rowsWritten > 0
  );
}

/** running → retrying: the attempt failed and another one is due at `notBeforeMs`. */
export function moveToRetry(sql: SqlStorage, id: string, notBeforeMs: number, errorJson: string): boolean {
  return (
    sql.exec(
      `UPDATE jobs SET state = 'retrying', lease_token = NULL, claimed = 0, lease_until_ms = NULL, not_before_ms = ?, error = ?
       WHERE id = ? AND state = 'running'`,
      notBeforeMs,
      errorJson,
      id,
    ).rowsWritten > 0
  );
}

/** Keeps what a completing job produced, just before it moves to completed. */
export function recordResult(sql: SqlStorage, id: string, processedItems: number, failedItems: number, resultJson: string): void {
  sql.exec(
    "UPDATE jobs SET processed_items = ?, failed_items = ?, result = ?, checkpoint = NULL WHERE id = ? AND state = 'running'",
    processedItems,
    failedItems,
    resultJson,
    id,
  );
}

/** Any live state → a terminal one; frees the lease (and any wait for input). `errorJson` is the failure to show, if any. */
export function moveToFinished(sql: SqlStorage, id: string, state: TerminalState, now: number, errorJson: string | null = null): boolean {
  return (
    sql.exec(
      `UPDATE jobs SET state = ?, finished_ms = ?, lease_token = NULL, claimed = 0, lease_until_ms = NULL, error = COALESCE(?, error), input_ready = 1
       WHERE id = ? AND (state = 'running' OR state IN ${PENDING_SQL})`,
      state,
      now,
      errorJson,
      id,
    ).rowsWritten > 0
  );
}

/** A running job is asked to stop: its handler makes the transition at its next checkpoint. */
export function requestCancel(sql: SqlStorage, id: string): boolean {
  return sql.exec("UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = 'running'", id).rowsWritten > 0;
}

/** A job's state alone (it must exist). */
export function stateOf(sql: SqlStorage, id: string): JobRow['state'] {
  return sql.exec<{ state: JobRow['state'] }>('SELECT state FROM jobs WHERE id = ?', id).one().state;
}

/** Numbers a job's newly published state: the SSE event id. */
export function bumpEventSeq(sql: SqlStorage, id: string): void {
  sql.exec('UPDATE jobs SET event_seq = event_seq + 1 WHERE id = ?', id);
}

/** A job `startReadyJobs` moved to running: what its work message carries. */
export interface StartedJob {
  jobId: string;
  token: string;
  attempt: number;
}

/**
 * Starts ready jobs in priority order (FIFO within a priority) until `slots` jobs run, each with a
 * fresh lease token; records the peak concurrency. Returns the jobs started, in order.
 */
export function startReadyJobs(sql: SqlStorage, slots: number, now: number, leaseMs: number): StartedJob[] {
  const started: StartedJob[] = [];
  let running = countRunning(sql);
  while (running < slots) {
    const next = nextReadyJob(sql);
    if (!next) break;
    const token = crypto.randomUUID();
    const attempt = next.attempt + 1;
    startJob(sql, next.id, attempt, token, now + leaseMs);
    running += 1;
    started.push({ jobId: next.id, token, attempt });
  }
  if (running > Number(getMeta(sql, 'peak_concurrency') ?? 0)) setMeta(sql, 'peak_concurrency', String(running));
  return started;
}
