/**
 * Counts kept by triggers (migration 8) as jobs are inserted, change state and are deleted, so
 * stats, list totals and admission never recount the rows a tenant keeps.
 */
import { MINUTE_MS } from '../../core/admission.ts';

/** What stats calls recent: throughput and the timing percentiles read this window. */
export const THROUGHPUT_WINDOW_MINUTES = 60;
export const THROUGHPUT_WINDOW_MS = THROUGHPUT_WINDOW_MINUTES * MINUTE_MS;

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

/** One histogram bin of the stats window: `n` completions of `type` whose `metric` fell in the bin ending at `hi` ms. */
export interface TimingBin extends Record<string, SqlStorageValue> {
  type: string;
  metric: 'wait' | 'run';
  hi: number;
  n: number;
}

/**
 * Queue wait (created → started) and run time of the completions in the window, as histograms
 * the completion trigger keeps (migration 9): a few rows per type, however many jobs completed.
 */
export function timingWindow(sql: SqlStorage, sinceMs: number): TimingBin[] {
  forgetTimings(sql, sinceMs);
  return sql
    .exec<TimingBin>('SELECT w.type, w.metric, b.hi, w.n FROM timing_window w JOIN timing_bounds b ON b.lo = w.lo WHERE w.n > 0 ORDER BY w.type, w.metric, w.lo')
    .toArray();
}

/** Takes the minutes before the window out of the window's histograms; each minute leaves once. */
function forgetTimings(sql: SqlStorage, beforeMs: number): void {
  const minute = Math.floor(beforeMs / MINUTE_MS);
  sql.exec(
    `INSERT INTO timing_window (type, metric, lo, n)
       SELECT type, metric, lo, -SUM(n) FROM timing_minutes WHERE minute < ? GROUP BY type, metric, lo
       ON CONFLICT DO UPDATE SET n = n + excluded.n`,
    minute,
  );
  sql.exec('DELETE FROM timing_minutes WHERE minute < ?', minute);
  sql.exec('DELETE FROM timing_window WHERE n <= 0');
}

/** Bucket counts the deletes and state changes took to zero: kept, they would lengthen every page's walk. */
export function forgetEmptyBuckets(sql: SqlStorage): void {
  sql.exec('DELETE FROM list_buckets WHERE n = 0');
}

/** Completion minutes older than the window are no longer read. */
export function forgetCompletions(sql: SqlStorage, beforeMs: number): void {
  sql.exec('DELETE FROM completions WHERE minute < ?', Math.floor(beforeMs / MINUTE_MS));
  forgetTimings(sql, beforeMs);
}
