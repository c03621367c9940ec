/** GET /jobs/stats/summary, from one grouped count and two aggregates. */
import { MINUTE_MS } from '../../core/admission.ts';
import { publicStatus, type JobState } from '../../core/job-states.ts';
import { JOB_PRIORITIES, JOB_STATUSES, JOB_TYPES, priorityFromRank, type JobPriority, type JobStatus } from '../../core/job-types.ts';
import type { QueueStats } from './contract.ts';
import { countJobs } from './job-queries.ts';
import { getMeta, isPaused } from './meta.ts';

const THROUGHPUT_WINDOW_MINUTES = 60;

export function queueStats(sql: SqlStorage, now: number): QueueStats {
  const byStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  const byType = Object.fromEntries(JOB_TYPES.map((t) => [t, { total: 0, completed: 0, failed: 0, cancelled: 0 }])) as QueueStats['byType'];
  const byPriority = Object.fromEntries(JOB_PRIORITIES.map((p) => [p, 0])) as Record<JobPriority, number>;
  let total = 0;
  const groups = sql.exec<{ type: string; priority_rank: number; state: JobState; n: number }>(
    'SELECT type, priority_rank, state, COUNT(*) AS n FROM jobs GROUP BY type, priority_rank, state',
  );
  for (const g of groups) {
    const status = publicStatus(g.state);
    total += g.n;
    byStatus[status] += g.n;
    byPriority[priorityFromRank(g.priority_rank)] += g.n;
    const t = byType[g.type];
    if (t) {
      t.total += g.n;
      if (status === 'completed' || status === 'failed' || status === 'cancelled') t[status] += g.n;
    }
  }
  const avg = sql
    .exec<{ avg: number | null }>("SELECT AVG(finished_ms - started_ms) AS avg FROM jobs WHERE state = 'completed' AND started_ms IS NOT NULL")
    .one().avg;
  const recent = countJobs(sql, "state = 'completed' AND finished_ms >= ?", now - THROUGHPUT_WINDOW_MINUTES * MINUTE_MS);
  const ended = byStatus.completed + byStatus.failed;
  return {
    total,
    ...byStatus,
    performance: {
      averageProcessingTime: Math.round(avg ?? 0),
      throughput: `${Math.round((recent / THROUGHPUT_WINDOW_MINUTES) * 100) / 100} jobs/minute`,
      throughputWindowMinutes: THROUGHPUT_WINDOW_MINUTES,
      successRate: ended === 0 ? 100 : Math.round((byStatus.completed / ended) * 1000) / 10,
      peakConcurrency: Number(getMeta(sql, 'peak_concurrency') ?? 0),
    },
    byType,
    byPriority,
    paused: isPaused(sql),
  };
}
