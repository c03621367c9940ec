import { describe, expect, it } from 'vitest';
import { freshTenant } from '../support/api.ts';

describe('admission limits', () => {
  it('answers QUEUE_FULL with Retry-After once pending + running reach MAX_QUEUE_SIZE (10 here), and loses nothing', async () => {
    const client = freshTenant();
    const accepted: string[] = [];
    for (let i = 0; i < 10; i++) accepted.push(await client.createSentiment([`job ${i}`]));
    const res = await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['one too many'] } });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ success: false, details: { code: 'QUEUE_FULL', limit: 10 } });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);

    const list = await client.json<{ total: number; jobs: { id: string }[] }>('GET', '/api/v1/jobs?limit=100');
    expect(list.body.data.total).toBe(10);
    expect(list.body.data.jobs.map((j) => j.id).sort()).toEqual([...accepted].sort());

    // Cancelling a pending job frees room in the queue at once.
    await client.json('DELETE', `/api/v1/jobs/${accepted[9]}`);
    expect((await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['fits now'] } })).status).toBe(201);
  });

  it('limits each tenant on its own', async () => {
    const busy = freshTenant();
    for (let i = 0; i < 10; i++) await busy.createSentiment(['x']);
    expect((await busy.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['x'] } })).status).toBe(429);
    expect(await freshTenant().createSentiment(['unaffected'])).toBeTruthy();
  });
});
