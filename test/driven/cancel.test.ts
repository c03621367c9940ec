import { describe, expect, it } from 'vitest';
import { deliver, freshTenant } from '../support/api.ts';

const texts = (n: number) => Array.from({ length: n }, (_, i) => `Sentence number ${i} is pleasant.`);

describe('DELETE /api/v1/jobs/:id', () => {
  it('cancels a pending job at once and frees nothing it did not hold', async () => {
    const client = freshTenant();
    for (let i = 0; i < 3; i++) await client.createSentiment(['blocker']);
    const id = await client.createSentiment(['waiting']);
    const res = await client.json('DELETE', `/api/v1/jobs/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, message: 'Job cancelled successfully', data: { id, status: 'cancelled' } });
    const job = await client.json('GET', `/api/v1/jobs/${id}`);
    expect(job.body.data).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(String) });
    expect((await client.json<{ running: number }>('GET', '/api/v1/jobs/stats/summary')).body.data.running).toBe(3);
  });

  it('cancels a running job at its next checkpoint: answers at once, records nothing after', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(texts(1200));
    await deliver(await client.pendingMessage(id));
    const before = await client.json<{ progress: number; processingStats: { processedItems: number } }>('GET', `/api/v1/jobs/${id}`);
    expect(before.body.data.processingStats.processedItems).toBe(500);

    const res = await client.json('DELETE', `/api/v1/jobs/${id}`);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'running' });
    expect((await client.json('GET', `/api/v1/jobs/${id}`)).body.data).toMatchObject({ status: 'running', cancelRequested: true });

    const result = await deliver(await client.pendingMessage(id));
    expect(result.explicitAcks).toHaveLength(1);
    const after = await client.json<{ status: string; progress: number; processingStats: { processedItems: number }; result?: unknown }>(
      'GET',
      `/api/v1/jobs/${id}`,
    );
    expect(after.body.data.status).toBe('cancelled');
    expect(after.body.data.processingStats.processedItems).toBe(500);
    expect(after.body.data.result).toBeUndefined();
    expect((await client.json('GET', `/api/v1/jobs/${id}/result`)).status).toBe(409);
  });

  it('cancels a running job whose worker died, when its lease lapses, instead of retrying it', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(['x']);
    await client.json('DELETE', `/api/v1/jobs/${id}`);
    await client.lapseLeases();
    const { runDurableObjectAlarm } = await import('cloudflare:test');
    expect(await runDurableObjectAlarm(client.coordinator())).toBe(true);
    expect((await client.json('GET', `/api/v1/jobs/${id}`)).body.data).toMatchObject({ status: 'cancelled', attempts: 1 });
  });

  it('refuses to cancel finished jobs with 409 and the current status', async () => {
    const client = freshTenant();
    const done = await client.createSentiment(['Lovely.']);
    await deliver(await client.pendingMessage(done));
    const cancelled = await client.createSentiment(['x']);
    const message = await client.pendingMessage(cancelled);
    expect((await client.json('DELETE', `/api/v1/jobs/${cancelled}`)).status).toBe(202);
    // Asking twice while the stop is pending is not an error.
    expect((await client.json('DELETE', `/api/v1/jobs/${cancelled}`)).status).toBe(202);
    await deliver(message);
    for (const [id, status] of [
      [done, 'completed'],
      [cancelled, 'cancelled'],
    ] as const) {
      const res = await client.json('DELETE', `/api/v1/jobs/${id}`);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ success: false, details: { code: 'JOB_NOT_CANCELLABLE', currentStatus: status } });
    }
  });

  it('answers 404 JOB_NOT_FOUND for unknown and malformed ids', async () => {
    const client = freshTenant();
    for (const id of [crypto.randomUUID(), 'invalid-uuid']) {
      const res = await client.json('DELETE', `/api/v1/jobs/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.details).toEqual({ code: 'JOB_NOT_FOUND', jobId: id });
    }
  });
});
