import { describe, expect, it } from 'vitest';
import { deliver, freshTenant, type Client } from '../support/api.ts';

interface Listed {
  jobs: { id: string; status: string; priority: string }[];
  total: number;
}

async function running(client: Client): Promise<string[]> {
  const res = await client.json<Listed>('GET', '/api/v1/jobs?status=running');
  return res.body.data.jobs.map((j) => j.id);
}

/** Runs a running job to completion through the consumer. */
async function finish(client: Client, jobId: string): Promise<void> {
  for (let slices = 0; slices < 50; slices++) {
    const job = await client.json<{ status: string }>('GET', `/api/v1/jobs/${jobId}`);
    if (job.body.data.status !== 'running') return;
    await deliver(await client.pendingMessage(jobId));
  }
  throw new Error('job did not finish');
}

describe('scheduling', () => {
  it('runs at most MAX_CONCURRENT_JOBS (3) under a burst and reports the peak', async () => {
    const client = freshTenant();
    const ids = await Promise.all(Array.from({ length: 7 }, (_, i) => client.createSentiment([`text ${i}`])));
    expect(await running(client)).toHaveLength(3);
    const stats = await client.json<{ running: number; pending: number; performance: { peakConcurrency: number } }>(
      'GET',
      '/api/v1/jobs/stats/summary',
    );
    expect(stats.body.data).toMatchObject({ running: 3, pending: 4, performance: { peakConcurrency: 3 } });

    for (let round = 0; round < 7; round++) {
      const now = await running(client);
      expect(now.length).toBeLessThanOrEqual(3);
      if (now[0]) await finish(client, now[0]);
    }
    const done = await client.json<Listed>('GET', '/api/v1/jobs?status=completed&limit=100');
    expect(done.body.data.jobs.map((j) => j.id).sort()).toEqual([...ids].sort());
  });

  it('starts the next job the moment a slot frees, by priority then FIFO', async () => {
    const client = freshTenant();
    const blockers = [];
    for (let i = 0; i < 3; i++) blockers.push(await client.createSentiment([`blocker ${i}`], {}, 'low'));
    expect((await running(client)).sort()).toEqual([...blockers].sort());

    const queued: Record<string, string> = {};
    for (const [name, priority] of [
      ['low-1', 'low'],
      ['medium-1', 'medium'],
      ['critical-1', 'critical'],
      ['high-1', 'high'],
      ['critical-2', 'critical'],
      ['medium-2', 'medium'],
    ] as const) {
      queued[name] = await client.createSentiment([name], {}, priority);
    }

    const order: string[] = [];
    const byId = Object.fromEntries(Object.entries(queued).map(([name, id]) => [id, name]));
    const seen = new Set(blockers);
    for (let step = 0; step < 9; step++) {
      const now = await running(client);
      for (const id of now) {
        if (!seen.has(id)) {
          seen.add(id);
          order.push(byId[id] ?? id);
        }
      }
      // Finish the oldest running job: exactly one slot frees, and exactly one job starts.
      const oldest = now[now.length - 1];
      if (!oldest) break;
      await finish(client, oldest);
    }
    expect(order).toEqual(['critical-1', 'critical-2', 'high-1', 'medium-1', 'medium-2', 'low-1']);
  });
});
