/**
 * Counts kept by triggers (migration 7) as jobs are inserted, change state and are deleted, so
 * stats, list totals and admission never recount the rows a tenant keeps.
 */
import { MINUTE_MS } from '../../core/admission.ts';

export interface CountRow extends Record<string, SqlStorageValue> {
  type: string;
  priority_rank: number;
  state: string;
  n: number;
}

export function jobCounts(sql: SqlStorage): CountRow[] {
  return sql.exec<CountRow>('SELECT type, priority_rank, state, n FROM job_counts WHERE n > 0').toArray();
}

/** Jobs in any of `states` (all states when omitted), optionally of one type and priority. */
export function countMatching(sql: SqlStorage, filter: { states?: readonly string[]; type?: string; priorityRank?: number }): number {
  return jobCounts(sql)
    .filter((row) => (filter.states === undefined || filter.states.includes(row.state)) && (filter.type === undefined || row.type === filter.type))
    .filter((row) => filter.priorityRank === undefined || row.priority_rank === filter.priorityRank)
    .reduce((sum, row) => sum + row.n, 0);
}

/** Jobs completed at or after `sinceMs`, by the minute they completed in. */
export function completedSince(sql: SqlStorage, sinceMs: number): number {
  return sql.exec<{ n: number | null }>('SELECT SUM(n) AS n FROM completions WHERE minute >= ?', Math.floor(sinceMs / MINUTE_MS)).one().n ?? 0;
}

/** Mean started → finished time of the completed jobs kept. */
export function averageRunMs(sql: SqlStorage): number {
  const row = sql.exec<{ jobs: number; busy_ms: number }>('SELECT jobs, busy_ms FROM run_totals').toArray()[0];
  return row && row.jobs > 0 ? row.busy_ms / row.jobs : 0;
}

/** The latest completions within the window: queue wait (created → started) and run time, by type. */
export function recentTimings(sql: SqlStorage, sinceMs: number, limit: number): { type: string; wait_ms: number; run_ms: number }[] {
  return sql
    .exec<{ type: string; wait_ms: number; run_ms: number }>(
      `SELECT type, started_ms - created_ms AS wait_ms, finished_ms - started_ms AS run_ms FROM jobs
       WHERE state = 'completed' AND finished_ms >= ? AND started_ms IS NOT NULL
       ORDER BY finished_ms DESC LIMIT ?`,
      sinceMs,
      limit,
    )
    .toArray();
}

/** Completion minutes older than the window are no longer read. */
export function forgetCompletions(sql: SqlStorage, beforeMs: number): void {
  sql.exec('DELETE FROM completions WHERE minute < ?', Math.floor(beforeMs / MINUTE_MS));
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
