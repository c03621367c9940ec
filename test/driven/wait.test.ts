import { describe, expect, it } from 'vitest';
import { deliver, freshTenant, type Client } from '../support/api.ts';

/** Resolves once `count` waiters are parked in the coordinator: a sync point, not a timing. */
async function waitersParked(client: Client, jobId: string, count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await client.coordinator().waiterCount(jobId)) >= count) return;
    await scheduler.wait(2);
  }
  throw new Error('waiters never parked');
}

describe('POST /api/v1/jobs/:id/wait', () => {
  it('answers every concurrent waiter the moment the job finishes, not on a polling tick', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(['What a delightful surprise!']);
    const waits = Array.from({ length: 8 }, () => client.json<{ status: string; result: unknown }>('POST', `/api/v1/jobs/${id}/wait`, { timeout: 60_000 }));
    const message = await client.pendingMessage(id);
    await waitersParked(client, id, 8);
    const delivered = Date.now();
    await deliver(message);
    const answers = await Promise.all(waits);
    const answeredWithin = Date.now() - delivered;
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.data).toMatchObject({ id, status: 'completed', progress: 100, completedAt: expect.any(String) });
      expect(answer.body.data.result).toMatchObject({ totalProcessed: 1 });
    }
    // Far below the 60 s timeout: the waiters were woken by the completion itself.
    expect(answeredWithin).toBeLessThan(5_000);
  });

  it('answers a finished job at once', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(['fine']);
    await deliver(await client.pendingMessage(id));
    const res = await client.json('POST', `/api/v1/jobs/${id}/wait`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'completed' });
  });

  it('answers JOB_TIMEOUT with the current status and progress at the deadline', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(Array.from({ length: 1000 }, () => 'good'));
    await deliver(await client.pendingMessage(id));
    const res = await client.json('POST', `/api/v1/jobs/${id}/wait`, { timeout: 50 });
    expect(res.status).toBe(408);
    expect(res.body).toMatchObject({
      success: false,
      error: 'Job timeout',
      details: { code: 'JOB_TIMEOUT', currentStatus: 'running', currentProgress: 50 },
    });
  });

  it('wakes waiters when the job is cancelled', async () => {
    const client = freshTenant();
    for (let i = 0; i < 3; i++) await client.createSentiment(['blocker']);
    const id = await client.createSentiment(['queued']);
    const waiting = client.json('POST', `/api/v1/jobs/${id}/wait`, { timeout: 60_000 });
    await client.json('DELETE', `/api/v1/jobs/${id}`);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'cancelled' });
  });

  it.each([
    [{ timeout: 0 }, 'timeout'],
    [{ timeout: 300_001 }, 'timeout'],
    [{ timeout: 'soon' }, 'timeout'],
    [{ timeout: 1.5 }, 'timeout'],
    [{ until: 5 }, 'until'],
  ])('refuses %j with 400 naming the field', async (body, field) => {
    const client = freshTenant();
    const id = await client.createSentiment(['x']);
    const res = await client.json('POST', `/api/v1/jobs/${id}/wait`, body);
    expect(res.status).toBe(400);
    expect(res.body.details?.code).toBe('INVALID_REQUEST');
    expect(res.body.details?.errors).toEqual([expect.objectContaining({ field })]);
  });

  it('answers 404 for an unknown job', async () => {
    const res = await freshTenant().json('POST', `/api/v1/jobs/${crypto.randomUUID()}/wait`, { timeout: 10 });
    expect(res.status).toBe(404);
    expect(res.body.details?.code).toBe('JOB_NOT_FOUND');
  });
});
