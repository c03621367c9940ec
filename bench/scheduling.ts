/**
 * Scheduling precision: 1,000 delayed jobs, due 10 ms apart, against its own `wrangler dev`.
 * Prints due → started (claimed by the consumer) p50/p99. Bounded: ~1.5 minutes, loopback only.
 */
import { freePort, startDevServer } from './dev-server.ts';
import { ms, percentile } from './stats.ts';

const JOBS = 1_000;
const server = await startDevServer(await freePort(), {
  MAX_JOBS_PER_MINUTE: '1000000',
  MAX_JOBS_PER_HOUR: '10000000',
  MAX_QUEUE_SIZE: '1000000',
  MAX_CONCURRENT_JOBS: '50',
});
const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return ((await res.json()) as { data: T }).data;
};

try {
  // Far enough ahead that every job is created before the first is due.
  const firstDue = Date.now() + 45_000;
  const ids: string[] = [];
  for (let start = 0; start < JOBS; start += 10) {
    const jobs = Array.from({ length: 10 }, (_, k) => ({
      type: 'sentiment_analysis_batch',
      data: { texts: ['on time'] },
      runAt: new Date(firstDue + (start + k) * 10).toISOString(),
    }));
    const created = await api<{ results: { jobId?: string }[] }>('POST', '/api/v1/jobs/bulk', { jobs });
    for (const r of created.results) if (r.jobId) ids.push(r.jobId);
  }
  if (Date.now() > firstDue) throw new Error('creation took longer than the lead time');
  const deadline = firstDue + JOBS * 10 + 60_000;
  for (;;) {
    const stats = await api<{ completed: number }>('GET', '/api/v1/jobs/stats/summary');
    if (stats.completed >= ids.length) break;
    if (Date.now() > deadline) throw new Error(`only ${stats.completed} of ${ids.length} completed`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const lags: number[] = [];
  for (const [i, id] of ids.entries()) {
    const job = await api<{ startedAt: string }>('GET', `/api/v1/jobs/${id}`);
    lags.push(Date.parse(job.startedAt) - (firstDue + i * 10));
  }
  console.log(`scheduling precision (due → started)  p50 ${ms(percentile(lags, 50))}  p99 ${ms(percentile(lags, 99))}  max ${ms(Math.max(...lags))}  (n=${lags.length}, due 10 ms apart)`);
} finally {
  await server.stop();
}
