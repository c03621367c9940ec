import { describe, expect, it } from 'vitest';
import { freshTenant, type Client } from './support/api.ts';

interface Listed {
  jobs: { id: string; type: string; status: string; priority: string; progress: number; createdAt: string }[];
  total: number;
  page: number;
  limit: number;
}

async function finished(client: Client, texts: string[], priority: string): Promise<string> {
  const id = await client.createSentiment(texts, {}, priority);
  await client.json('POST', `/api/v1/jobs/${id}/wait`, { timeout: 30_000 });
  return id;
}

describe('GET /api/v1/jobs', () => {
  it('lists newest first, filters by status, type and priority, pages with a total of the filtered set', async () => {
    const client = freshTenant();
    const ids: string[] = [];
    for (const priority of ['low', 'high', 'high', 'medium', 'critical']) ids.push(await finished(client, ['Nice.'], priority));
    const cancelled = await client.createSentiment(['x'.repeat(10)], {}, 'high');
    await client.json('DELETE', `/api/v1/jobs/${cancelled}`);
    await client.json('POST', `/api/v1/jobs/${cancelled}/wait`, { timeout: 30_000 });

    const all = await client.json<Listed>('GET', '/api/v1/jobs');
    expect(all.status).toBe(200);
    expect(all.body.data).toMatchObject({ total: 6, page: 1, limit: 50 });
    expect(all.body.data.jobs.map((j) => j.id)).toEqual([cancelled, ...[...ids].reverse()]);
    expect(all.body.data.jobs[1]).toEqual({
      id: ids[4],
      type: 'sentiment_analysis_batch',
      status: 'completed',
      priority: 'critical',
      progress: 100,
      createdAt: expect.any(String),
      startedAt: expect.any(String),
      completedAt: expect.any(String),
    });

    const high = await client.json<Listed>('GET', '/api/v1/jobs?priority=high');
    expect(high.body.data.total).toBe(3);
    const highDone = await client.json<Listed>('GET', '/api/v1/jobs?priority=high&status=completed&type=sentiment_analysis_batch');
    expect(highDone.body.data.jobs.map((j) => j.id)).toEqual([ids[2], ids[1]]);

    const page2 = await client.json<Listed>('GET', '/api/v1/jobs?page=2&limit=4');
    expect(page2.body.data).toMatchObject({ total: 6, page: 2, limit: 4 });
    expect(page2.body.data.jobs.map((j) => j.id)).toEqual([ids[1], ids[0]]);
    const beyond = await client.json<Listed>('GET', '/api/v1/jobs?page=9&limit=4');
    expect(beyond.body.data).toMatchObject({ total: 6, jobs: [] });
  });

  it.each([
    ['status=done', 'status'],
    ['type=file_thing', 'type'],
    ['priority=urgent', 'priority'],
    ['limit=101', 'limit'],
    ['limit=0', 'limit'],
    ['page=0', 'page'],
    ['page=two', 'page'],
    ['colour=red', 'colour'],
  ])('refuses ?%s with 400 naming the parameter', async (query, field) => {
    const res = await freshTenant().json('GET', `/api/v1/jobs?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.details?.code).toBe('INVALID_REQUEST');
    expect(res.body.details?.errors).toEqual([expect.objectContaining({ field })]);
  });
});

describe('GET /api/v1/jobs/stats/summary', () => {
  it('reports counts, performance, and breakdowns by type and priority from the tenant’s own jobs', async () => {
    const client = freshTenant();
    await finished(client, ['Great.'], 'high');
    await finished(client, ['Bad.', 'Good.'], 'low');
    const cancelled = await client.createSentiment(['never'], {}, 'critical');
    await client.json('DELETE', `/api/v1/jobs/${cancelled}`);
    await client.json('POST', `/api/v1/jobs/${cancelled}/wait`, { timeout: 30_000 });

    const res = await client.json<Record<string, unknown>>('GET', '/api/v1/jobs/stats/summary');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      total: 3,
      pending: 0,
      running: 0,
      completed: 2,
      failed: 0,
      cancelled: 1,
      performance: {
        averageProcessingTime: expect.any(Number),
        // Two jobs completed in the 60-minute window.
        throughput: '0.03 jobs/minute',
        throughputWindowMinutes: 60,
        successRate: 100,
        peakConcurrency: expect.any(Number),
      },
      byType: {
        sentiment_analysis_batch: { total: 3, completed: 2, failed: 0, cancelled: 1 },
        file_processing: { total: 0, completed: 0, failed: 0, cancelled: 0 },
      },
      byPriority: { critical: 1, high: 1, medium: 0, low: 1 },
    });
    expect((res.body.data.performance as { peakConcurrency: number }).peakConcurrency).toBeGreaterThanOrEqual(1);
  });
});
