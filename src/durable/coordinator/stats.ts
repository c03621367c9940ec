/**
 * GET /jobs/stats/summary from counts and histograms the triggers keep (job-counts.ts), never by
 * reading job rows: it costs the same for a tenant keeping 100,000 jobs as for an empty one.
 */
import { publicStatus, type JobState } from '../../core/job-states.ts';
import { JOB_PRIORITIES, JOB_STATUSES, JOB_TYPES, priorityFromRank, type JobPriority, type JobStatus } from '../../core/job-types.ts';
import { histogramSpread } from '../../core/percentiles.ts';
import type { QueueStats, TypeTiming } from './contract.ts';
import { averageRunMs, completedSince, jobCounts, THROUGHPUT_WINDOW_MINUTES, THROUGHPUT_WINDOW_MS, timingWindow, type TimingBin } from './job-counts.ts';
import { getMeta, isPaused } from './meta.ts';

export function queueStats(sql: SqlStorage, now: number): QueueStats {
  const byStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  const byType = Object.fromEntries(JOB_TYPES.map((t) => [t, { total: 0, completed: 0, failed: 0, cancelled: 0 }])) as QueueStats['byType'];
  const byPriority = Object.fromEntries(JOB_PRIORITIES.map((p) => [p, 0])) as Record<JobPriority, number>;
  let total = 0;
  for (const g of jobCounts(sql)) {
    const status = publicStatus(g.state as JobState);
    total += g.n;
    byStatus[status] += g.n;
    byPriority[priorityFromRank(g.priority_rank)] += g.n;
    const t = byType[g.type];
    if (t) {
      t.total += g.n;
      if (status === 'completed' || status === 'failed' || status === 'cancelled') t[status] += g.n;
    }
  }
  const windowStart = now - THROUGHPUT_WINDOW_MS;
  const recent = completedSince(sql, windowStart);
  const bins = timingWindow(sql, windowStart);
  const timing: Record<string, TypeTiming> = {};
  let sampled = 0;
  for (const type of new Set(bins.map((b) => b.type))) {
    const of = (metric: TimingBin['metric']) => bins.filter((b) => b.type === type && b.metric === metric);
    const jobs = of('run').reduce((sum, b) => sum + b.n, 0);
    sampled += jobs;
    timing[type] = { jobs, queueWaitMs: histogramSpread(of('wait')), runTimeMs: histogramSpread(of('run')) };
  }
  const ended = byStatus.completed + byStatus.failed;
  return {
    total,
    ...byStatus,
    performance: {
      averageProcessingTime: Math.round(averageRunMs(sql)),
      throughput: `${Math.round((recent / THROUGHPUT_WINDOW_MINUTES) * 100) / 100} jobs/minute`,
      throughputWindowMinutes: THROUGHPUT_WINDOW_MINUTES,
      successRate: ended === 0 ? 100 : Math.round((byStatus.completed / ended) * 1000) / 10,
      peakConcurrency: Number(getMeta(sql, 'peak_concurrency') ?? 0),
    },
    byType,
    byPriority,
    timing: { windowMinutes: THROUGHPUT_WINDOW_MINUTES, sampled, byType: timing },
    paused: isPaused(sql),
  };
}
