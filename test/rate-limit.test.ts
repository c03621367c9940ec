import { describe, expect, it } from 'vitest';
import { freshTenant } from './support/api.ts';

describe('rate limits', () => {
  it('answers RATE_LIMITED with Retry-After past MAX_JOBS_PER_MINUTE (12 here)', async () => {
    const client = freshTenant();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await client.createSentiment([`job ${i}`]));
    const res = await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['thirteen'] } });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ success: false, details: { code: 'RATE_LIMITED', limit: 12, window: 'minute' } });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await client.json<{ total: number }>('GET', '/api/v1/jobs')).body.data.total).toBe(12);
    // The consumer is still running them: let it finish, or its work outlives the file and the
    // pool tears down mid-call (an unhandled EnvironmentTeardownError fails the whole run).
    for (const id of ids) expect((await client.json<{ status: string }>('POST', `/api/v1/jobs/${id}/wait`, { timeout: 30_000 })).body.data.status).toBe('completed');
  });
});
