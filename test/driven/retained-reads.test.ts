import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { JOB_PRIORITIES, JOB_TYPES, type JobPriority, type JobType } from '../../src/core/job-types.ts';
import type { NewJob, QueueStats } from '../../src/durable/coordinator/contract.ts';
import { applyMigrations, LIST_BUCKET_SEQS, MIGRATIONS } from '../../src/durable/migrations.ts';
import { freshTenant, type Client } from '../support/api.ts';
import { newJob } from '../support/new-job.ts';

const WHO = { actor: 'key:test', requestId: null };
const HOUR = 3_600_000;

interface Listed {
  jobs: { id: string }[];
  total: number;
}

interface Kept {
  id: string;
  type: JobType;
  priority: JobPriority;
  status: string;
}

function keptJob(i: number): NewJob {
  return newJob({
    // Types and priorities cycle at different periods, so every filter combination occurs.
    type: JOB_TYPES[i % JOB_TYPES.length] ?? 'sentiment_analysis_batch',
    priority: JOB_PRIORITIES[Math.floor(i / 3) % JOB_PRIORITIES.length] ?? 'medium',
    input: JSON.stringify({ texts: [`text ${i}`] }),
  });
}

/**
 * `count` jobs admitted with the queue paused, all but `keepPending` of them cancelled as they come
 * (the driven queue holds 10 pending), so the tenant keeps more jobs than a bucket holds.
 */
async function keep(client: Client, count: number, keepPending: number): Promise<string[]> {
  const coordinator = client.coordinator();
  const ids: string[] = [];
  await coordinator.setPaused(client.tenant, true, WHO);
  let made = 0;
  while (made < count) {
    if (made % 450 === 0) await client.advanceClock(61_000); // past the per-minute admission limit
    const batch = Array.from({ length: Math.min(9, count - made) }, (_, i) => keptJob(made + i));
    const admitted = await coordinator.enqueueMany(client.tenant, batch, WHO);
    expect(admitted.filter((r) => !r.ok)).toEqual([]);
    made += batch.length;
    ids.push(...batch.map((j) => j.id));
    const cancel = made < count ? batch.map((j) => j.id) : batch.slice(keepPending).map((j) => j.id);
    await coordinator.cancelMany({ ids: cancel }, WHO);
  }
  return ids;
}

/** The jobs made (oldest first) as the coordinator reads each one by id, deleted ones left out: what pages are cut from. */
async function reference(client: Client, ids: string[]): Promise<Kept[]> {
  const coordinator = client.coordinator();
  return (await Promise.all(ids.map((id) => coordinator.getJob(id)))).flatMap((job) => (job ? [{ id: job.id, type: job.type, priority: job.priority, status: job.status }] : []));
}

const FILTERS: Partial<Record<'status' | 'type' | 'priority', string>>[] = [
  {},
  { status: 'cancelled' },
  { status: 'pending' },
  { type: 'file_processing' },
  { priority: 'high' },
  { status: 'cancelled', type: 'security_scan' },
  { status: 'cancelled', priority: 'low' },
  { type: 'data_export', priority: 'critical' },
  { status: 'cancelled', type: 'sentiment_analysis_batch', priority: 'medium' },
  { status: 'completed' },
];

/** Each filter's pages, walked to the end at limit 100 and around the bucket edges at limit 7, equal the reference's slices. */
async function expectPagesMatch(client: Client, kept: Kept[]): Promise<void> {
  for (const filter of FILTERS) {
    const want = kept
      .filter((k) => Object.entries(filter).every(([field, value]) => k[field as keyof Kept] === value))
      .map((k) => k.id)
      .reverse();
    const query = new URLSearchParams(filter).toString();
    const pages: [number, number][] = [];
    for (let page = 1; page <= Math.ceil(want.length / 100) + 1; page++) pages.push([page, 100]);
    for (const edge of [LIST_BUCKET_SEQS, 2 * LIST_BUCKET_SEQS]) pages.push([Math.floor(edge / 7), 7], [Math.floor(edge / 7) + 1, 7]);
    for (const [page, limit] of pages) {
      const res = await client.json<Listed>('GET', `/api/v1/jobs?${query}&page=${page}&limit=${limit}`);
      expect(res.status).toBe(200);
      expect({ filter, page, limit, total: res.body.data.total, ids: res.body.data.jobs.map((j) => j.id) }).toEqual({
        filter,
        page,
        limit,
        total: want.length,
        ids: want.slice((page - 1) * limit, page * limit),
      });
    }
  }
}

describe('a tenant keeping more jobs than a list bucket holds', () => {
  it('pages every filter shape exactly as an unpaged reference would, before and after TTL cleanup deletes the oldest', async () => {
    const client = freshTenant();
    const ids = await keep(client, 2 * LIST_BUCKET_SEQS + 100, 0);
    await client.advanceClock(25 * HOUR);
    ids.push(...(await keep(client, 306, 6)));
    // Two of the survivors run and complete; the rest stay pending.
    const coordinator = client.coordinator();
    await coordinator.setPaused(client.tenant, false, WHO);
    const started = (await client.json<Listed>('GET', '/api/v1/jobs?status=running')).body.data.jobs.slice(0, 2);
    for (const { id } of started) {
      const claim = await coordinator.claim(id, (await client.pendingMessage(id)).token);
      if (!claim.ok) throw new Error('claim refused');
      await coordinator.complete(id, claim.token, { processedItems: 1, failedItems: 0, result: { summary: {}, items: null } });
    }
    const before = await reference(client, ids);
    expect(new Set(before.map((k) => k.status))).toEqual(new Set(['cancelled', 'pending', 'running', 'completed']));
    await expectPagesMatch(client, before);

    // The first jobs are past their TTL now: cleanup deletes them, and the pages close up.
    await coordinator.cleanup();
    const after = await reference(client, ids);
    expect(after.length).toBeLessThan(before.length);
    expect(after.length).toBe(306);
    await expectPagesMatch(client, after);
    // The next cleanup drops the counts the deletes emptied; the pages stay the same.
    await coordinator.cleanup();
    await expectPagesMatch(client, after);
  }, 120_000);
});

describe('queue wait and run time percentiles in stats', () => {
  it('are the upper edge of the histogram bin holding the exact nearest-rank value, over the window only', async () => {
    const client = freshTenant();
    const coordinator = client.coordinator();
    // The clock moves by these steps; a little real time adds to each, so the exact values are read back from the jobs.
    const waitSteps = [0, 1, 2, 3, 5, 6, 40, 100, 950, 12_000];
    const runSteps = [4, 4, 6, 30, 31, 250, 251, 1_999, 2_000, 90_000];
    const waits: number[] = [];
    const runs: number[] = [];
    for (const [i, wait] of waitSteps.entries()) {
      const id = await client.createSentiment([`text ${i}`]);
      await client.advanceClock(wait);
      const claim = await coordinator.claim(id, (await client.pendingMessage(id)).token);
      if (!claim.ok) throw new Error('claim refused');
      await client.advanceClock(runSteps[i] ?? 0);
      await coordinator.complete(id, claim.token, { processedItems: 1, failedItems: 0, result: { summary: {}, items: null } });
      const job = (await client.json<{ createdAt: string; startedAt: string; completedAt: string }>('GET', `/api/v1/jobs/${id}`)).body.data;
      waits.push(Date.parse(job.startedAt) - Date.parse(job.createdAt));
      runs.push(Date.parse(job.completedAt) - Date.parse(job.startedAt));
    }
    const stats = (await client.json<QueueStats>('GET', '/api/v1/jobs/stats/summary')).body.data;
    expect(stats.timing.sampled).toBe(10);
    const timing = stats.timing.byType.sentiment_analysis_batch;
    expect(timing?.jobs).toBe(10);
    const exact = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1] ?? -1;
    // Exact to the millisecond up to 6 ms, then never below the exact value and at most a bin (~19%) above it.
    const within = (reported: number | undefined, value: number) => {
      expect(reported).toBeGreaterThanOrEqual(value);
      expect(reported).toBeLessThanOrEqual(value <= 6 ? value : Math.ceil(value * 1.19) + 1);
    };
    within(timing?.queueWaitMs.p50, exact(waits, 50));
    within(timing?.queueWaitMs.p95, exact(waits, 95));
    within(timing?.runTimeMs.p50, exact(runs, 50));
    within(timing?.runTimeMs.p95, exact(runs, 95));
    expect(timing?.runTimeMs.p95).toBeGreaterThanOrEqual(90_000);

    // An hour later those completions have left the window; the counts keep them.
    await client.advanceClock(HOUR + 60_000);
    const later = (await client.json<QueueStats>('GET', '/api/v1/jobs/stats/summary')).body.data;
    expect(later.timing).toEqual({ windowMinutes: 60, sampled: 0, byType: {} });
    expect(later.completed).toBe(10);
  });
});

describe('migration 9 over a tenant that already keeps jobs', () => {
  it('counts every kept job into its bucket and every completion in the window into the histograms', async () => {
    const client = freshTenant();
    const now = await client.now();
    const ids = Array.from({ length: LIST_BUCKET_SEQS + 300 }, () => crypto.randomUUID());
    const states = ['cancelled', 'completed', 'ready', 'failed', 'scheduled'];
    await runInDurableObject(client.coordinator(), (_instance, state) => {
      const sql = state.storage.sql;
      const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'");
      for (const { name } of tables.toArray()) sql.exec(`DROP TABLE IF EXISTS ${name}`);
      applyMigrations(sql, MIGRATIONS.slice(0, 8));
      for (const [i, id] of ids.entries()) {
        const done = states[i % states.length] === 'completed';
        // Completed ones waited i % 40 ms and ran 100 + i ms, finishing within the last minutes.
        sql.exec(
          `INSERT INTO jobs (id, type, priority_rank, state, max_attempts, total_items, estimated_ms, estimated_memory, created_ms, started_ms, finished_ms)
           VALUES (?, ?, ?, ?, 3, 1, 1, 1, ?, ?, ?)`,
          id,
          JOB_TYPES[i % JOB_TYPES.length] ?? 'sentiment_analysis_batch',
          Math.floor(i / 3) % JOB_PRIORITIES.length,
          states[i % states.length] ?? 'cancelled',
          now - 300_000,
          done ? now - 300_000 + (i % 40) : null,
          done ? now - 300_000 + (i % 40) + 100 + i : states[i % states.length] === 'ready' || states[i % states.length] === 'scheduled' ? null : now,
        );
      }
      applyMigrations(sql);
    });
    const kept = await reference(client, ids);
    expect(kept).toHaveLength(ids.length);
    await expectPagesMatch(client, kept);

    const stats = (await client.json<QueueStats>('GET', '/api/v1/jobs/stats/summary')).body.data;
    const completed = ids.flatMap((_, i) => (states[i % states.length] === 'completed' ? [i] : []));
    expect(stats.timing.sampled).toBe(completed.length);
    const sentiment = completed.filter((i) => JOB_TYPES[i % JOB_TYPES.length] === 'sentiment_analysis_batch');
    expect(stats.timing.byType.sentiment_analysis_batch?.jobs).toBe(sentiment.length);
    const runs = sentiment.map((i) => 100 + i).sort((a, b) => a - b);
    const p50 = runs[Math.ceil(runs.length / 2) - 1] ?? -1;
    expect(stats.timing.byType.sentiment_analysis_batch?.runTimeMs.p50).toBeGreaterThanOrEqual(p50);
    expect(stats.timing.byType.sentiment_analysis_batch?.runTimeMs.p50).toBeLessThanOrEqual(Math.ceil(p50 * 1.19) + 1);
  });
});
